/**
 * Measures storeWebhookBody (the insert that must commit before the webhook answers 200).
 * Run: npx tsx test/storage/webhook-insert.bench.ts [count] [postgres-url]
 * Prints inserts/second for a SQLite file in WAL mode (and PostgreSQL when a URL is given).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, inbound, openDatabase } from '../../src/storage/index.ts';

const count = Number(process.argv[2] ?? 100_000);
const pgUrl = process.argv[3];

// A typical one-message webhook body (~560 bytes).
function body(i: number): string {
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: '104857600012345',
        time: 1_760_000_000_000 + i,
        messaging: [
          {
            sender: { id: `6789012345${i % 1000}` },
            recipient: { id: '104857600012345' },
            timestamp: 1_760_000_000_000 + i,
            message: {
              mid: `m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_${i}`,
              text: 'Hola, ¿tienen envíos a Valparaíso? Quisiera saber el precio del modelo azul, talla M.',
            },
          },
        ],
      },
    ],
  });
}

async function run(name: string, database: Database, concurrency: number): Promise<void> {
  const bodies = Array.from({ length: Math.min(count, 10_000) }, (_, i) => body(i));
  let next = 0;
  const start = process.hrtime.bigint();
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      await inbound.storeWebhookBody(database, bodies[i % bodies.length] ?? '', Date.now());
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${name}, ${concurrency} in flight: ${count} bodies in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} inserts/s`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'ventana-bench-'));
try {
  for (const concurrency of [1, 50]) {
    const database = await openDatabase(`sqlite:${join(dir, `bench-${concurrency}.db`)}`, { migrate: true });
    await run('SQLite file (WAL, synchronous=NORMAL)', database, concurrency);
    await database.close();
  }
  if (pgUrl !== undefined) {
    const database = await openDatabase(pgUrl, { migrate: true, poolMax: 20 });
    await database.db.deleteFrom('webhook_bodies').execute();
    await run('PostgreSQL', database, 50);
    await database.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
