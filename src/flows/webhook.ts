/**
 * The "call an external webhook" step, run as a queue job outside any event transaction: the engine
 * leaves the run waiting (with `resume_at` set), the resume scan queues the job, the job POSTs the
 * contact and run as JSON signed with HMAC-SHA256 (per-workspace secret, header
 * `X-Ventana-Signature: sha256=<hex of the body>`), with a timeout and retries with exponential
 * backoff; the answer can set contact fields, then the run continues in its own transaction.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { decrypt, encrypt } from '../lib/crypto.ts';
import type { Job, JobOutcome, JobQueue } from '../queue/index.ts';
import { contacts, flows, type JsonValue, type Queryable, settings } from '../storage/index.ts';
import { DEFAULT_WEBHOOK_RETRIES, DEFAULT_WEBHOOK_TIMEOUT_MS, type FlowStep } from './document.ts';
import { type EngineDeps, loadDocument, stepRun } from './engine.ts';

export const FLOW_WEBHOOK_QUEUE = 'flow-webhook';
export const SIGNATURE_HEADER = 'x-ventana-signature';

/** The workspace's signing secret (generated once, kept encrypted at rest). */
export async function webhookSecret(db: Queryable, secretKey: Buffer, workspaceId: string): Promise<string> {
  const stored = await settings.getOrCreateSetting(db, `flows:webhook-secret:${workspaceId}`, () =>
    encrypt(secretKey, randomBytes(32).toString('hex')),
  );
  return decrypt(secretKey, stored);
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Reads `a.b.0.c` in a JSON value; undefined when absent or not a scalar. */
export function readPath(value: unknown, path: string): JsonValue | undefined {
  let v: unknown = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

type WebhookStep = Extract<FlowStep, { type: 'webhook' }>;

async function webhookStepOf(db: Queryable, run: flows.FlowRun): Promise<WebhookStep | undefined> {
  const doc = await loadDocument(db, run.flowId, run.version);
  const step = doc?.steps.find((s) => s.id === run.stepId);
  return step?.type === 'webhook' ? step : undefined;
}

/** Queues the jobs of runs that reached a webhook step (idempotent: keyed by run and position). */
export async function queuePendingWebhooks(db: Queryable, queue: JobQueue, limit = 100): Promise<number> {
  let queued = 0;
  for (const run of await flows.listPendingWebhooks(db, limit)) {
    const step = await webhookStepOf(db, run);
    if (step) {
      await queue.enqueue(
        FLOW_WEBHOOK_QUEUE,
        { runId: run.id, seq: run.seq },
        {
          key: `${run.id}:${run.seq}`,
          attempts: (step.retries ?? DEFAULT_WEBHOOK_RETRIES) + 1,
          backoff: { type: 'exponential', delayMs: 1000 },
        },
      );
    }
    if (await flows.markWebhookQueued(db, run.id, run.seq)) queued++;
  }
  return queued;
}

export interface WebhookJobDeps {
  readonly database: Queryable;
  readonly engine: EngineDeps;
  readonly secretKey: Buffer;
  readonly now: () => number;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

/** The job handler: one attempt of one webhook call. */
export function createWebhookJobHandler(deps: WebhookJobDeps): (job: Job) => Promise<JobOutcome> {
  const doFetch = deps.fetch ?? fetch;
  return async (job) => {
    const { runId, seq } = job.payload as { runId: string; seq: number };
    const db = deps.database;
    const run = await flows.getRun(db, runId);
    // The run moved on (archived, interrupted, already resumed): nothing to do.
    if (run?.status !== 'waiting' || run.waitKind !== 'webhook' || run.seq !== seq) return { status: 'done' };
    const step = await webhookStepOf(db, run);
    const contact = await contacts.getContact(db, run.contactId);
    if (!step || !contact) return { status: 'done' };
    const secret = await webhookSecret(db, deps.secretKey, run.workspaceId);
    const body = JSON.stringify({
      event: 'flow.webhook',
      flowId: run.flowId,
      version: run.version,
      runId: run.id,
      stepId: step.id,
      at: new Date(deps.now()).toISOString(),
      contact: {
        id: contact.id,
        pageId: contact.pageId,
        psid: contact.psid,
        firstName: contact.firstName,
        lastName: contact.lastName,
        locale: contact.locale,
        labels: contact.labels,
        fields: contact.fields,
      },
    });
    const attempts = (step.retries ?? DEFAULT_WEBHOOK_RETRIES) + 1;
    let answer: unknown;
    try {
      const res = await doFetch(step.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Ventana-Flows/1',
          [SIGNATURE_HEADER]: signBody(secret, body),
        },
        body,
        signal: AbortSignal.timeout(step.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      try {
        answer = text === '' ? {} : JSON.parse(text);
      } catch {
        answer = {};
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (job.attempt < attempts) return { status: 'failed', reason, retryable: true };
      await stepRun(db, deps.engine, run, { kind: 'webhook_failed' }, { now: deps.now(), inResponse: false });
      return { status: 'done' };
    }
    const fields: Record<string, JsonValue> = {};
    for (const [field, path] of Object.entries(step.setFields ?? {})) {
      const v = readPath(answer, path);
      if (v !== undefined) fields[field] = v;
    }
    await stepRun(
      db,
      deps.engine,
      run,
      { kind: 'webhook_done', fields },
      { now: deps.now(), inResponse: false },
    );
    return { status: 'done' };
  };
}
