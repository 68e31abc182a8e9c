/**
 * The process the crash test kills: runs one broadcast against a SQLite file and a simulator URL,
 * printing progress as JSON lines. `node --import tsx test/broadcasts/crash-child.ts <db> <simUrl> <id>`
 */
import { runBroadcast } from '../../src/broadcasts/runner.ts';
import { createGraphClient, createMemorySendRateLimiter } from '../../src/graph/index.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { openDatabase } from '../../src/storage/index.ts';

const [dbPath, simUrl, broadcastId] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase(`sqlite:${dbPath}`, { migrate: true });
const graph = createGraphClient({ baseUrl: simUrl, version: 'v26.0', timeoutMs: 5000 });
const end = await runBroadcast(
  {
    database,
    graph,
    limiter: createMemorySendRateLimiter(),
    rules: createRuleBook(),
    secretKey: Buffer.alloc(32, 5),
    now: Date.now,
  },
  broadcastId,
  { pollMs: 100, onProgress: (p) => process.stdout.write(`${JSON.stringify(p)}\n`) },
);
process.stdout.write(`${JSON.stringify({ end })}\n`);
await graph.close();
await database.close();
