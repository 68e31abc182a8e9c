import { describe, expect, it } from 'vitest';
import { inboundKindOf } from './inbound-kind.ts';
import { normalizeWebhook, parseWebhookBody, type WebhookParseResult } from './normalize.ts';

// Deterministic PRNG (mulberry32) so a failure reproduces from its seed and index.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'object',
  'entry',
  'id',
  'time',
  'messaging',
  'standby',
  'changes',
  'sender',
  'recipient',
  'timestamp',
  'message',
  'mid',
  'text',
  'is_echo',
  'app_id',
  'quick_reply',
  'payload',
  'attachments',
  'type',
  'url',
  'postback',
  'referral',
  'ref',
  'source',
  'ad_id',
  'ads_context_data',
  'optin',
  'user_ref',
  'delivery',
  'mids',
  'watermark',
  'read',
  'reaction',
  'action',
  'message_edit',
  'num_edit',
  'pass_thread_control',
  'app_roles',
  'policy_enforcement',
  'field',
  'value',
  'item',
  'verb',
  'from',
  'created_time',
  '__proto__',
  'constructor',
  'toString',
  '',
];

const SEEDS = [
  {
    object: 'page',
    entry: [
      {
        id: '1',
        time: 1,
        messaging: [
          {
            sender: { id: '2' },
            recipient: { id: '1' },
            timestamp: 1700000000000,
            message: {
              mid: 'm',
              text: 'hi',
              quick_reply: { payload: 'P' },
              attachments: [{ type: 'image', payload: { url: 'u' } }],
              referral: { source: 'ADS', ad_id: '9' },
            },
          },
        ],
      },
    ],
  },
  {
    object: 'page',
    entry: [
      {
        id: '1',
        time: 1,
        standby: [
          {
            sender: { id: '1' },
            recipient: { id: '2' },
            timestamp: '1700000000',
            message: { is_echo: true, app_id: 263902037430900, mid: 'e' },
          },
        ],
      },
    ],
  },
  {
    object: 'page',
    entry: [
      {
        id: '1',
        messaging: [
          {
            sender: { user_ref: 'u' },
            recipient: { id: '1' },
            postback: {
              title: 't',
              payload: 'p',
              referral: { ref: 'r', source: 'SHORTLINK', type: 'OPEN_THREAD' },
            },
          },
          {
            sender: { id: '2' },
            optin: {
              type: 'notification_messages',
              notification_messages_token: 'x',
              token_expiry_timestamp: 1,
              notification_messages_status: 'STOP NOTIFICATIONS',
            },
          },
        ],
      },
    ],
  },
  {
    object: 'page',
    entry: [
      {
        id: '1',
        messaging: [
          { sender: { id: '2' }, delivery: { mids: ['a'], watermark: 5 } },
          { sender: { id: '2' }, read: { watermark: 5 } },
          { sender: { id: '2' }, reaction: { reaction: 'like', action: 'react', mid: 'm' } },
          { sender: { id: '2' }, message_edit: { mid: 'm', num_edit: 1 } },
          { recipient: { id: '2' }, app_roles: { '1': ['primary_receiver'] } },
          { pass_thread_control: { new_owner_app_id: '1' } },
          { policy_enforcement: { action: 'block' } },
        ],
      },
    ],
  },
  {
    object: 'page',
    entry: [
      {
        id: '1',
        time: 1700000000,
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: 'c',
              post_id: 'p',
              from: { id: '3', name: 'n' },
              created_time: 1700000000,
            },
          },
          { field: 'messenger_template_status_update', value: { event: 'APPROVED' } },
        ],
      },
    ],
  },
];

function randomScalar(rand: () => number): unknown {
  const r = rand();
  if (r < 0.15) return null;
  if (r < 0.25) return rand() < 0.5;
  if (r < 0.45) return Math.floor(rand() * 2 ** 53) * (rand() < 0.2 ? -1 : 1);
  if (r < 0.5) return [Number.MAX_VALUE, -0, 1e-300, 0.5, 2 ** 31][Math.floor(rand() * 5)];
  if (r < 0.75) return KEYS[Math.floor(rand() * KEYS.length)];
  const len = Math.floor(rand() * 20);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(rand() * 0xffff));
  return s;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 5 || r < 0.4) return randomScalar(rand);
  if (r < 0.7) {
    const out: unknown[] = [];
    const n = Math.floor(rand() * 5);
    for (let i = 0; i < n; i++) out.push(randomValue(rand, depth + 1));
    return out;
  }
  const out: Record<string, unknown> = {};
  const n = Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    Object.defineProperty(out, KEYS[Math.floor(rand() * KEYS.length)]!, {
      value: randomValue(rand, depth + 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return out;
}

/** Replaces, deletes or retypes random nodes of a deep copy of a realistic payload. */
function mutate(rand: () => number, value: unknown, depth = 0): unknown {
  if (rand() < 0.08) return randomValue(rand, depth);
  if (Array.isArray(value)) {
    const out = value.map((v) => mutate(rand, v, depth + 1));
    if (rand() < 0.1) out.push(randomValue(rand, depth + 1));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (rand() < 0.07) continue;
      out[k] = mutate(rand, v, depth + 1);
    }
    if (rand() < 0.1) out[KEYS[Math.floor(rand() * KEYS.length)]!] = randomValue(rand, depth + 1);
    return out;
  }
  return value;
}

/** Flips, drops or inserts characters of serialised JSON. */
function mutateText(rand: () => number, text: string): string {
  const chars = text.split('');
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * chars.length);
    const r = rand();
    if (r < 0.33) chars.splice(at, 1);
    else if (r < 0.66) chars.splice(at, 0, '{}[]",:0e-\\u'[Math.floor(rand() * 13)]!);
    else chars[at] = String.fromCharCode(Math.floor(rand() * 128));
  }
  return chars.join('');
}

/** Returns a description of what is wrong with a result, or null; plain checks keep 10k runs fast. */
function problemWith(result: WebhookParseResult): string | null {
  if (!result.ok) {
    if (!['invalid_json', 'invalid_envelope', 'unsupported_object'].includes(result.code))
      return `code ${result.code}`;
    return typeof result.path === 'string' ? null : 'path not a string';
  }
  for (const event of result.events) {
    if (typeof event.kind !== 'string') return 'kind not a string';
    if (typeof event.dedupeKey !== 'string' || event.dedupeKey.length === 0)
      return `empty dedupeKey on ${event.kind}`;
    if (!Number.isFinite(event.timestamp)) return `timestamp ${event.timestamp}`;
    if (typeof event.pageId !== 'string' || event.pageId === '') return 'pageId';
    inboundKindOf(event);
  }
  return null;
}

function assertWellFormed(result: WebhookParseResult): void {
  expect(problemWith(result)).toBeNull();
}

describe('webhook normalisation under fuzzed input', () => {
  it('never throws on 10,000 random and mutated bodies', () => {
    const rand = prng(20260427);
    let okCount = 0;
    let eventCount = 0;
    for (let i = 0; i < 10_000; i++) {
      const mode = i % 4;
      const seed = SEEDS[i % SEEDS.length]!;
      let result: WebhookParseResult;
      if (mode === 0) result = normalizeWebhook(randomValue(rand, 0));
      else if (mode === 1) result = normalizeWebhook(mutate(rand, seed));
      else if (mode === 2) result = parseWebhookBody(mutateText(rand, JSON.stringify(seed)));
      else
        result = normalizeWebhook({
          object: 'page',
          entry: [
            {
              id: '1',
              messaging: [randomValue(rand, 1)].filter(
                (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
              ),
            },
          ],
        });
      const problem = problemWith(result);
      if (problem !== null) expect.fail(`body #${i} (mode ${mode}): ${problem}`);
      if (result.ok) {
        okCount++;
        eventCount += result.events.length;
      }
    }
    // The generator must exercise the success path too, or the test proves little.
    expect(okCount).toBeGreaterThan(2000);
    expect(eventCount).toBeGreaterThan(2000);
  });

  it('survives extreme nesting and huge arrays', () => {
    let deep: unknown = { message: { mid: 'm' } };
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const bodies: unknown[] = [
      { object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: '2' }, unknown_thing: deep }] }] },
      {
        object: 'page',
        entry: [
          { id: '1', messaging: [{ sender: { id: '2' }, delivery: { mids: new Array(100_000).fill('m') } }] },
        ],
      },
      {
        object: 'page',
        entry: [
          {
            id: '1',
            messaging: [{ sender: { id: 2 ** 60 }, timestamp: Number.POSITIVE_INFINITY, message: 'text' }],
          },
        ],
      },
      undefined,
      Symbol('x'),
      () => 1,
      BigInt(1),
    ];
    for (const body of bodies) assertWellFormed(normalizeWebhook(body));
    const text = '['.repeat(200_000) + ']'.repeat(200_000);
    assertWellFormed(parseWebhookBody(text));
  });
});
