import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE, type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { contacts } from '../../src/storage/index.ts';
import { repliesToKeyword } from '../support/keyword-reply.ts';

const REDIS_URL = process.env.VENTANA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `vt-${randomBytes(4).toString('hex')}`;
let runtime: Runtime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-scale-'));
  const parsed = parseConfig({
    VENTANA_DATA_DIR: dir,
    PORT: '0',
    VENTANA_LOG_LEVEL: 'silent',
    VENTANA_REDIS_URL: REDIS_URL,
    VENTANA_QUEUE_PREFIX: prefix,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('ventana start on BullMQ (Redis) with the shared rate limiter', () => {
  it('fetches the demo people’s profiles through BullMQ jobs', async () => {
    const list = await contacts.listContacts(runtime.database, { workspaceId: DEFAULT_WORKSPACE });
    expect(list.map((c) => c.firstName).sort()).toEqual(['Emma', 'João', 'Lucía', 'Mateo']);
    const redis = new Redis(REDIS_URL);
    expect((await redis.keys(`${prefix}:profile.fetch:*`)).length).toBeGreaterThan(0);
    redis.disconnect();
  });

  it('sends the opt-out confirmation through the Redis-backed per-Page limiter', async () => {
    const replies = await repliesToKeyword(runtime, 'SAIR', { locale: 'pt_BR', country: 'BR' });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatchObject({
      message: { text: expect.stringContaining('não receberá mais') },
    });
    const redis = new Redis(REDIS_URL);
    expect((await redis.keys(`${prefix}:send:*`)).length).toBeGreaterThan(0);
    redis.disconnect();
  });
});
