/**
 * Diagnostic peer: Ventana's ingest with the inbound processor and the other workers OFF, to separate
 * the cost of the webhook edge (verify + parse + commit before 200) from the processing that shares
 * its CPU in a normal run. Same environment as ventana-peer.sh (which execs this file when
 * VENTANA_BENCH_INGEST_ONLY=1). Not a configuration anyone should run in production.
 */
import { startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';

const parsed = parseConfig(process.env);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const runtime = await startRuntime(parsed.config, { demo: false, benchStats: true, workers: false });
process.stdout.write(`Ventana (ingest only) is running: ${runtime.url}\n`);
const stop = async () => {
  await runtime.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
