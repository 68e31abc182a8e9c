import { describe, expect, it } from 'vitest';
import { configProblemText, parseConfig, publicUrlOf } from './config.ts';

describe('configuration', () => {
  it('runs on the embedded defaults with an empty environment', () => {
    const r = parseConfig({});
    expect(r.ok && r.config).toMatchObject({
      databaseUrl: 'sqlite:./data/ventana.db',
      queue: { engine: 'embedded' },
      graphUrl: 'https://graph.facebook.com',
      graphVersion: 'v26.0',
      graphBatchSends: 0,
      port: 3000,
      host: '127.0.0.1',
      page: null,
      heapGrowingPercent: 100,
    });
  });

  it('takes the heap growth as a percentage, or 0 for V8 to choose', () => {
    const at = (v: string) => {
      const r = parseConfig({ VENTANA_HEAP_GROWING_PERCENT: v });
      return r.ok ? r.config.heapGrowingPercent : null;
    };
    expect([at('0'), at('10'), at('50'), at('300')]).toEqual([0, 10, 50, 300]);
  });

  it('picks BullMQ when a Redis URL is given', () => {
    const r = parseConfig({ VENTANA_REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(r.ok && r.config.queue).toEqual({
      engine: 'bullmq',
      redisUrl: 'redis://127.0.0.1:6379',
      postgresUrl: null,
      prefix: null,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'not_a_port'],
    [{ VENTANA_GRAPH_URL: 'ftp://x' }, 'VENTANA_GRAPH_URL', 'not_a_url'],
    [{ VENTANA_GRAPH_VERSION: '26' }, 'VENTANA_GRAPH_VERSION', 'not_a_graph_version'],
    [{ VENTANA_GRAPH_BATCH_SENDS: '51' }, 'VENTANA_GRAPH_BATCH_SENDS', 'not_a_batch_size'],
    [{ VENTANA_GRAPH_BATCH_SENDS: 'yes' }, 'VENTANA_GRAPH_BATCH_SENDS', 'not_a_batch_size'],
    [{ VENTANA_HEAP_GROWING_PERCENT: '5' }, 'VENTANA_HEAP_GROWING_PERCENT', 'not_a_percent'],
    [{ VENTANA_HEAP_GROWING_PERCENT: '301' }, 'VENTANA_HEAP_GROWING_PERCENT', 'not_a_percent'],
    [{ VENTANA_HEAP_GROWING_PERCENT: '1.5' }, 'VENTANA_HEAP_GROWING_PERCENT', 'not_a_percent'],
    [{ VENTANA_SECRET_KEY: 'short' }, 'VENTANA_SECRET_KEY', 'bad_secret_key'],
    [{ VENTANA_PAGE_ID: '123' }, 'VENTANA_PAGE_ACCESS_TOKEN', 'page_incomplete'],
    [{ VENTANA_QUEUE: 'kafka' }, 'VENTANA_QUEUE', 'not_a_queue_engine'],
    [{ VENTANA_QUEUE: 'bullmq' }, 'VENTANA_QUEUE', 'queue_needs_backend'],
    [{ VENTANA_DATABASE_URL: 'mysql://db' }, 'VENTANA_DATABASE_URL', 'not_a_url'],
    [{ VENTANA_PUBLIC_URL: 'go.example.com' }, 'VENTANA_PUBLIC_URL', 'not_a_url'],
    [{ VENTANA_PUBLIC_URL: 'https://go.example.com/?x=1' }, 'VENTANA_PUBLIC_URL', 'not_a_url'],
  ])('fails fast on %j, naming %s', (env, variable, code) => {
    const r = parseConfig(env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual(expect.objectContaining({ variable, code }));
  });

  it('explains a problem in Spanish and English', () => {
    const problem = { variable: 'PORT', code: 'not_a_port' as const, value: 'abc' };
    expect(configProblemText(problem, 'en')).toBe('PORT must be a port number from 0 to 65535 (got "abc")');
    expect(configProblemText(problem, 'es')).toBe(
      'PORT debe ser un número de puerto entre 0 y 65535 (valor: "abc")',
    );
  });

  it('accepts a 32-byte key in hex', () => {
    const r = parseConfig({ VENTANA_SECRET_KEY: 'ab'.repeat(32) });
    expect(r.ok && r.config.secretKey?.length).toBe(32);
  });

  it("takes the public URL for tracked links from VENTANA_PUBLIC_URL, else the server's own address", () => {
    const given = parseConfig({ VENTANA_PUBLIC_URL: 'https://go.example.com/ventana/' });
    expect(given.ok && given.config.publicUrl).toBe('https://go.example.com/ventana');
    expect(given.ok && publicUrlOf(given.config, 'http://127.0.0.1:4321')).toBe(
      'https://go.example.com/ventana',
    );
    const none = parseConfig({ PORT: '8080', HOST: '0.0.0.0' });
    if (!none.ok) throw new Error('rejected');
    expect(none.config.publicUrl).toBeNull();
    expect(publicUrlOf(none.config)).toBe('http://127.0.0.1:8080');
    expect(publicUrlOf(none.config, 'http://127.0.0.1:41234/')).toBe('http://127.0.0.1:41234');
  });
});
