/**
 * Fuzzing the webhook edge with a seeded PRNG (a failure prints its seed and case to replay).
 * 1. Unsigned or wrongly signed junk over real HTTP: always 4xx, the server stays up, nothing stored.
 * 2. Correctly signed but mangled Meta-shaped payloads through intake + processor: nothing throws,
 *    every stored body ends up processed, and every event ends up processed or parked with its error.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SECRET, envelope, type Harness, PAGE_ID, sign, startHarness, textEvent } from './harness.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const BODY_LIMIT = 16 * 1024;

/** mulberry32: small, fast, good enough to explore inputs reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const STRINGS = [
  '',
  'hola',
  'STOP',
  'BAJA',
  '😀',
  '\u0000',
  '\ud800',
  'a'.repeat(300),
  '<script>',
  '__proto__',
  'constructor',
  '1e309',
  '-1',
  PAGE_ID,
  '263902037430900',
  'm_abc',
  'sha256=',
];

function randomScalar(r: Rng): unknown {
  switch (r.int(9)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.int(2 ** 31) - 2 ** 30;
    case 3:
      return r.pick([0, -0, 1e21, -1e-7, Number.MAX_SAFE_INTEGER + 2, 1.5, 1764080000, 1764080000000]);
    case 4:
      return r.pick(STRINGS);
    case 5:
      return String(r.int(10 ** 9));
    default:
      return `k${r.int(1000)}`;
  }
}

function randomJson(r: Rng, depth = 0): unknown {
  const roll = r.int(depth > 3 ? 2 : 4);
  if (roll < 2) return randomScalar(r);
  if (roll === 2) return Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  const keys = ['object', 'entry', 'id', 'time', 'messaging', 'message', 'sender', 'text', 'mid', 'x'];
  for (let i = r.int(5); i > 0; i--) o[r.pick(keys)] = randomJson(r, depth + 1);
  return o;
}

/** A plausible Meta event of a random kind, for the given sender. */
function metaEvent(r: Rng, n: number): Record<string, unknown> {
  const psid = r.chance(0.7) ? String(6_500_000_000_000_000 + r.int(50)) : String(r.int(10 ** 12));
  const t = 1764080000000 + r.int(10 ** 7);
  const base = { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: t };
  const mid = `m_fuzz_${SEED}_${n}_${r.int(4)}`;
  switch (r.int(14)) {
    case 0:
      return { ...base, message: { mid, text: r.pick(STRINGS) } };
    case 1:
      return { ...base, message: { mid, text: 'Sí', quick_reply: { payload: 'YES' } } };
    case 2:
      return {
        ...base,
        message: { mid, attachments: [{ type: 'image', payload: { url: 'https://x.test/a.jpg' } }] },
      };
    case 3:
      return {
        ...base,
        message: { mid, text: 'ad', referral: { source: 'ADS', type: 'OPEN_THREAD', ad_id: '61234' } },
      };
    case 4:
      return {
        ...base,
        postback: { mid, title: 'Empezar', payload: 'GET_STARTED', referral: { ref: 'r1' } },
      };
    case 5:
      return { ...base, referral: { ref: 'promo', source: 'SHORTLINK', type: 'OPEN_THREAD' } };
    case 6:
      return {
        ...base,
        optin: {
          type: 'notification_messages',
          notification_messages_token: `tok_${n}`,
          token_expiry_timestamp: t + 1e9,
          notification_messages_status: r.pick([undefined, 'STOP NOTIFICATIONS', 'RESUME NOTIFICATIONS']),
        },
      };
    case 7:
      return {
        ...base,
        optin: { type: 'one_time_notif_req', one_time_notif_token: `otn_${n}`, payload: 'P' },
      };
    case 8:
      return { ...base, delivery: { mids: [mid], watermark: t } };
    case 9:
      return { ...base, read: { watermark: t } };
    case 10:
      return {
        ...base,
        reaction: { mid, action: r.pick(['react', 'unreact']), emoji: '❤️', reaction: 'love' },
      };
    case 11:
      return { ...base, message_edit: { mid, text: 'edit', num_edit: r.int(6) } };
    case 12:
      return {
        ...base,
        [r.pick(['pass_thread_control', 'take_thread_control', 'request_thread_control'])]: {
          new_owner_app_id: '263902037430900',
          previous_owner_app_id: '1',
        },
      };
    default:
      return {
        recipient: { id: PAGE_ID },
        timestamp: t,
        policy_enforcement: { action: r.pick(['block', 'unblock', 'warning']), reason: 'x' },
      };
  }
}

function metaBody(r: Rng, n: number): Record<string, unknown> {
  // Mostly one event per body: the processor's per-event cost bounds how many cases fit in the budget.
  const entries = Array.from({ length: r.chance(0.2) ? 2 : 1 }, () => {
    const key = r.pick(['messaging', 'messaging', 'messaging', 'standby', 'changes']);
    if (key === 'changes') {
      return {
        id: PAGE_ID,
        time: 1764080000 + r.int(1000),
        changes: [
          {
            field: r.pick(['feed', 'messenger_template_status_update', 'other']),
            value: {
              item: r.pick(['comment', 'post', 'like']),
              verb: r.pick(['add', 'edited', 'remove']),
              from: { id: String(r.int(10 ** 15)), name: 'Ana' },
              comment_id: `c_${n}`,
              post_id: `${PAGE_ID}_1`,
              message: 'precio?',
              created_time: 1764080000 + r.int(1000),
            },
          },
        ],
      };
    }
    const events = Array.from({ length: r.chance(0.2) ? 2 : 1 }, () => metaEvent(r, n));
    return { id: PAGE_ID, time: 1764080000000, [key]: events };
  });
  return { object: 'page', entry: entries };
}

/** Replaces, deletes or retypes random nodes of a JSON tree (in place). */
function mutateTree(r: Rng, root: unknown, rounds: number): unknown {
  let tree = root;
  for (let k = 0; k < rounds; k++) {
    const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          nodes.push({ parent: v, key: i });
          walk(v[i]);
        }
      } else if (v !== null && typeof v === 'object')
        for (const key of Object.keys(v)) {
          nodes.push({ parent: v as Record<string, unknown>, key });
          walk((v as Record<string, unknown>)[key]);
        }
    };
    walk(tree);
    if (nodes.length === 0) return randomJson(r);
    const { parent, key } = r.pick(nodes);
    const slot = parent as Record<string | number, unknown>;
    switch (r.int(5)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete slot[key];
        break;
      case 1:
        slot[key] = randomScalar(r);
        break;
      case 2:
        slot[key] = randomJson(r, 2);
        break;
      case 3: {
        const v = slot[key];
        slot[key] = typeof v === 'number' ? String(v) : typeof v === 'string' ? Number(v) || v.length : [v];
        break;
      }
      default:
        if (r.chance(0.2))
          tree = r.pick([[tree], { object: 'page', entry: tree }, { object: 'instagram', entry: [] }]);
        else slot[key] = structuredClone(slot[key] ?? null);
    }
  }
  return tree;
}

/** Byte-level damage to a serialised body. */
function mutateBytes(r: Rng, text: string): Buffer {
  const bytes = Buffer.from(text);
  const out = [...bytes];
  for (let i = 1 + r.int(6); i > 0; i--) {
    const at = r.int(out.length + 1);
    switch (r.int(4)) {
      case 0:
        out.splice(at, 1);
        break;
      case 1:
        out.splice(at, 0, r.int(256));
        break;
      case 2:
        out[at] = r.int(256);
        break;
      default:
        out.length = Math.min(out.length, at);
    }
  }
  return Buffer.from(out);
}

function randomBody(r: Rng, n: number): Buffer {
  switch (r.int(4)) {
    case 0:
      return Buffer.from(Array.from({ length: r.int(r.chance(0.05) ? 40_000 : 600) }, () => r.int(256)));
    case 1:
      return Buffer.from(JSON.stringify(randomJson(r)) ?? 'null');
    case 2:
      return mutateBytes(r, JSON.stringify(metaBody(r, n)));
    default:
      return Buffer.from(JSON.stringify(mutateTree(r, metaBody(r, n), 1 + r.int(4))));
  }
}

/** Headers that never carry a valid signature for `body`. */
function badHeaders(r: Rng, body: Buffer): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.chance(0.8))
    h['content-type'] = r.pick([
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/octet-stream',
    ]);
  const other = Buffer.concat([body, Buffer.from(' ')]);
  switch (r.int(8)) {
    case 0:
      break; // unsigned
    case 1:
      h['x-hub-signature-256'] = sign(body, 'not-the-app-secret');
      break;
    case 2:
      h['x-hub-signature-256'] = sign(other); // signed other bytes (a tampered body)
      break;
    case 3:
      h['x-hub-signature'] = `sha1=${createHmac('sha1', APP_SECRET).update(body).digest('hex')}`;
      break;
    case 4:
      h['x-hub-signature-256'] = `sha256=${createHash('sha256').update(body).digest('hex')}`; // no key
      break;
    case 5:
      h['x-hub-signature-256'] = r.pick([
        '',
        'sha256=',
        'sha256',
        'md5=abc',
        `sha256=${'0'.repeat(64)}`,
        `sha256=${'g'.repeat(64)}`,
      ]);
      break;
    case 6:
      h['x-hub-signature-256'] = sign(other).toUpperCase();
      break;
    default:
      h['x-hub-signature-256'] = sign(body).slice(0, 7 + r.int(64)); // truncated
  }
  return h;
}

let h: Harness;
// Plain node:http with keep-alive: several times cheaper per request than fetch, so 10k cases fit.
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
function rawPost(body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(h.webhookUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  h = await startHarness({ bodyLimit: BODY_LIMIT });
});
afterAll(async () => {
  agent.destroy();
  await h.close();
});

describe(`webhook fuzzing (seed ${SEED})`, () => {
  it(`answers ${CASES} unsigned or wrongly signed random bodies with 4xx, stores nothing and stays up`, async () => {
    const r = prng(SEED);
    const before = await h.counts();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < CASES) {
        const n = next++;
        const body = randomBody(r, n);
        const headers = badHeaders(r, body);
        const res = await rawPost(body, headers).catch((e: unknown) => ({ status: 0, body: String(e) }));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 400 || res.status > 499)
          failures.push(
            `case ${n}: ${res.status} ${JSON.stringify(headers)} ${body.toString('base64').slice(0, 200)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures.slice(0, 5)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
    await h.drain();
    expect(await h.counts()).toEqual(before);

    const finalBody = envelope([textEvent('6500000000000001', `m_final_${SEED}`, 'sigo vivo')]);
    expect((await h.postSigned('http', finalBody)).status).toBe(200);
    await h.drain();
    expect(await h.counts()).toMatchObject({ bodies: before.bodies + 1, events: before.events + 1 });
  }, 60_000);

  it(`processes ${CASES} signed, mangled Meta-shaped payloads without throwing`, async () => {
    const r = prng(SEED ^ 0x5eed);
    const outcomes = new Map<string, number>();
    for (let n = 0; n < CASES; n++) {
      const tree = metaBody(r, n);
      const body = r.chance(0.15)
        ? mutateBytes(r, JSON.stringify(tree))
        : Buffer.from(JSON.stringify(r.chance(0.1) ? tree : mutateTree(r, tree, 1 + r.int(3))));
      const result = await h.intake.handle(body, { 'x-hub-signature-256': sign(body) });
      outcomes.set(result.code, (outcomes.get(result.code) ?? 0) + 1);
      expect([200, 400, 413]).toContain(result.status);
      if (n % 500 === 499) await h.drain();
    }
    await h.drain();
    expect(outcomes.get('stored')).toBeGreaterThan(CASES / 2);

    const unprocessedBodies = await h.database.db
      .selectFrom('webhook_bodies')
      .select('id')
      .where('processed_at', 'is', null)
      .execute();
    expect(unprocessedBodies).toEqual([]);
    expect(h.database.webhookJournal?.backlog()).toBe(0);
    // An event that threw is parked for a retry with its error; none may be left without one.
    const silent = await h.database.db
      .selectFrom('inbound_log')
      .select(['id', 'kind'])
      .where('processed_at', 'is', null)
      .where('error', 'is', null)
      .execute();
    expect(silent).toEqual([]);
    const retrying = await h.database.db
      .selectFrom('inbound_log')
      .select(['kind', 'error'])
      .where('processed_at', 'is', null)
      .execute();
    expect(retrying).toEqual([]);
  }, 60_000);
});
