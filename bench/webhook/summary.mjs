// Ventana against its targets (DESIGN 4), from one peer-bench results folder:
// >= 4x bottender, >= 70 % of baseline-http, p99 < 20 ms, for 1 and 10 events per POST.
//   node bench/webhook/summary.mjs <results dir> [drain.jsonl]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, drainFile] = process.argv.slice(2);
const runs = [];
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.json') || f.startsWith('probe-')) continue;
  for (const line of readFileSync(join(dir, f), 'utf8').split('\n'))
    if (line.trim()) runs.push(JSON.parse(line));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pick = (label, ev) => runs.filter((r) => r.label === label && r.eventsPerRequest === ev);
const fmt = (x, d = 0) => (x == null ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: d }));
const mark = (ok) => (ok == null ? '?' : ok ? 'PASS' : 'MISS');

console.log('Ventana vs targets (medians of the runs; targets from DESIGN.md section 4):');
console.log(
  '| events/POST | ventana ev/s | vs bottender (>= 4x) | vs baseline-http (>= 70 %) | ventana p99 ms (< 20) |',
);
console.log('|---:|---:|---|---|---|');
for (const ev of [...new Set(runs.map((r) => r.eventsPerRequest))].sort((a, b) => a - b)) {
  const v = pick('ventana', ev);
  if (v.length === 0) continue;
  const vEps = median(v.map((r) => r.eventsPerS));
  const vP99 = median(v.map((r) => r.latencyMs.p99));
  const b = median(pick('bottender', ev).map((r) => r.eventsPerS));
  const h = median(pick('baseline-http', ev).map((r) => r.eventsPerS));
  const xb = b ? vEps / b : null;
  const xh = h ? vEps / h : null;
  console.log(
    `| ${ev} | ${fmt(vEps)} | ${xb == null ? 'n/a' : `${fmt(xb, 2)}x`} ${mark(xb == null ? null : xb >= 4)} | ` +
      `${xh == null ? 'n/a' : `${fmt(xh * 100, 0)} %`} ${mark(xh == null ? null : xh >= 0.7)} | ${fmt(vP99, 1)} ${mark(vP99 < 20)} |`,
  );
}
if (drainFile && existsSync(drainFile)) {
  console.log('');
  console.log(
    'Inbound processing backlog when each Ventana run stopped, drained afterwards on an idle server:',
  );
  for (const line of readFileSync(drainFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line);
    console.log(
      `- ${d.dir.split('/').pop()}: ${fmt(d.atLoadEnd.bodies)} bodies stored, ${fmt(d.atLoadEnd.pendingBodies)} bodies + ` +
        `${fmt(d.atLoadEnd.pendingEvents)} events pending; ${d.drained ? 'drained' : 'NOT drained'} in ${fmt(d.seconds, 1)} s ` +
        `(${fmt(d.eventsAppliedWhileDraining)} events applied, ${fmt(d.eventsPerS)} events/s)`,
    );
  }
}
