/**
 * The webhook's front door (DESIGN 2): verify the raw body, parse it, persist it, and only then say 200.
 * Processing happens later (processor.ts). Free of HTTP-framework types, so the Fastify route and the
 * raw node:http fast path share it.
 */
import { verifySignature } from '../messenger/signature.ts';
import { checkEnvelope } from '../messenger/webhook-schema.ts';

export type IntakeCode =
  | 'stored'
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_mismatch'
  | 'signature_sha1_only'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'body_too_large'
  | 'not_configured'
  | 'storage_failed';

export interface IntakeResult {
  readonly status: 200 | 400 | 401 | 403 | 413 | 503;
  readonly code: IntakeCode;
  /** Events in the body (entries × messaging), counted for stats. */
  readonly events: number;
  /** Text messages in the body: what the peer benchmark's counter compares. */
  readonly textMessages: number;
}

export interface IntakeDeps {
  /** The app secrets a signature may be made with (one per Meta app; usually one). */
  readonly appSecrets: () => readonly string[];
  /** Persists the raw body; resolves once it is committed. */
  readonly store: (raw: string, receivedAt: number) => Promise<unknown>;
  readonly now: () => number;
  readonly bodyLimit: number;
  /** Called after a body is stored, so the processor can wake up. */
  readonly onStored?: () => void;
}

export interface IntakeStats {
  bodies: number;
  events: number;
  textMessages: number;
  refused: number;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function counts(body: unknown): { events: number; textMessages: number } {
  let events = 0;
  let textMessages = 0;
  const entries = (body as { entry?: unknown }).entry;
  if (!Array.isArray(entries)) return { events, textMessages };
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const key of ['messaging', 'standby', 'changes'] as const) {
      const list = (entry as Record<string, unknown>)[key];
      if (!Array.isArray(list)) continue;
      events += list.length;
      for (const item of list) {
        const message = (item as { message?: { text?: unknown; is_echo?: unknown } } | null)?.message;
        if (message && typeof message.text === 'string' && message.is_echo !== true) textMessages++;
      }
    }
  }
  return { events, textMessages };
}

export function createWebhookIntake(deps: IntakeDeps) {
  const stats: IntakeStats = { bodies: 0, events: 0, textMessages: 0, refused: 0 };
  const refuse = (status: IntakeResult['status'], code: IntakeCode): IntakeResult => {
    stats.refused++;
    return { status, code, events: 0, textMessages: 0 };
  };

  async function handle(raw: Buffer, headers: Headers): Promise<IntakeResult> {
    if (raw.length > deps.bodyLimit) return refuse(413, 'body_too_large');
    const secrets = deps.appSecrets();
    if (secrets.length === 0) return refuse(503, 'not_configured');
    let verdict = verifySignature(raw, headers, secrets[0]!);
    for (let i = 1; !verdict.ok && verdict.code === 'signature_mismatch' && i < secrets.length; i++) {
      verdict = verifySignature(raw, headers, secrets[i]!);
    }
    if (!verdict.ok) return refuse(verdict.code === 'signature_mismatch' ? 403 : 401, verdict.code);

    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, 'invalid_json');
    }
    const envelope = checkEnvelope(body);
    // A signed body for another product (e.g. "instagram") is acknowledged and kept, never an error:
    // answering 4xx for an hour would make Meta unsubscribe the app.
    if (!envelope.ok && envelope.code !== 'unsupported_object') return refuse(400, 'invalid_envelope');

    // Counted before the commit, so the parsed body is garbage while the raw text waits for it: under
    // load ~50 requests wait at once, and whatever survives a young-generation GC is copied.
    const c = counts(body);
    try {
      await deps.store(text, deps.now());
    } catch {
      // Not acknowledged: Meta retries, nothing is lost.
      return refuse(503, 'storage_failed');
    }
    stats.bodies++;
    stats.events += c.events;
    stats.textMessages += c.textMessages;
    deps.onStored?.();
    return { status: 200, code: 'stored', ...c };
  }

  return { handle, stats };
}

export type WebhookIntake = ReturnType<typeof createWebhookIntake>;

/** Meta's GET handshake: the challenge echoed when mode and token match, otherwise 403. */
export function verifyHandshake(
  query: Readonly<Record<string, unknown>>,
  verifyToken: string | null,
): { status: 200; body: string } | { status: 403; body: string } {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (
    verifyToken !== null &&
    mode === 'subscribe' &&
    token === verifyToken &&
    typeof challenge === 'string' &&
    challenge.length > 0
  ) {
    return { status: 200, body: challenge };
  }
  return { status: 403, body: 'forbidden' };
}
