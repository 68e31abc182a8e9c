/**
 * The signed-webhook POST on bare node:http: read the body with a size cap, hand it to the intake,
 * answer. No routing, no hooks, no per-request allocations beyond the body: this is the hot path
 * Meta hits for every message (DESIGN 4: ingest target).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookIntake } from '../ingest/intake.ts';

export const WEBHOOK_PATH = '/webhooks/messenger';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

export function createFastWebhookHandler(deps: { intake: WebhookIntake; bodyLimit: number }) {
  function handles(req: IncomingMessage): boolean {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    return url === WEBHOOK_PATH || url.startsWith(`${WEBHOOK_PATH}?`);
  }

  function answer(res: ServerResponse, status: number, body: string): void {
    if (res.headersSent) return;
    res.writeHead(status, TEXT);
    res.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > deps.bodyLimit) {
      // Say no before reading, and close: the rest of an oversized body is not worth receiving.
      res.setHeader('connection', 'close');
      answer(res, 413, 'body_too_large');
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > deps.bodyLimit) {
        if (!tooLarge) {
          tooLarge = true;
          res.setHeader('connection', 'close');
          answer(res, 413, 'body_too_large');
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      // A client that goes away mid-body gets no answer; nothing was stored.
    });
    req.on('end', () => {
      if (tooLarge) return;
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      deps.intake.handle(raw, req.headers).then(
        (result) => answer(res, result.status, result.status === 200 ? 'EVENT_RECEIVED' : result.code),
        () => answer(res, 503, 'storage_failed'),
      );
    });
  }

  return { handles, handle };
}
