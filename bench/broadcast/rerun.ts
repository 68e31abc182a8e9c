/**
 * `node scripts/run-built.mjs bench/broadcast/rerun.ts <bench.db> [fanout]`
 *
 * Preflight (and with `fanout`, the fan-out) again on a database a previous
 * `npm run bench:broadcast -- --dir <dir> --preflight-only` left behind, without seeding anew: for
 * before/after comparisons on the very same million rows. Prints seconds, groups and the process'
 * peak RSS (VmHWM). The fan-out writes to the database: run it on a copy.
 */
import { readFileSync } from 'node:fs';
import { runFanOut } from '../../src/broadcasts/fanout.ts';
import { preflight } from '../../src/broadcasts/preflight.ts';
import { controlBroadcast, findBroadcast } from '../../src/broadcasts/service.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { openDatabase } from '../../src/storage/index.ts';

const [path, phase] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: rerun.ts <bench.db> [fanout]');
const peakMb = () =>
  Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? -1024) / 1024);
const log = (s: string) => process.stdout.write(`${s}\n`);

const database = await openDatabase(`sqlite:${path}`);
const { id } = await database.db.selectFrom('broadcasts').select('id').executeTakeFirstOrThrow();
const broadcast = await findBroadcast(database, id);
if (broadcast === undefined) throw new Error(`no broadcast ${id}`);
const rules = createRuleBook();
log(`start: peak ${peakMb()} MB`);
let t0 = performance.now();
const report = await preflight(database, broadcast, Date.now(), { rules });
const groups = report.groups.map((g) => `${g.key} ${g.count}`).join(', ');
log(
  `preflight: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${report.total} (${groups}); peak ${peakMb()} MB`,
);
if (phase === 'fanout') {
  await controlBroadcast(database, id, 'send', Date.now());
  t0 = performance.now();
  await runFanOut(database, id, { now: Date.now, rules });
  const enqueued = (await findBroadcast(database, id))?.enqueued;
  log(`fan-out: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${enqueued} rows; peak ${peakMb()} MB`);
}
await database.close();
