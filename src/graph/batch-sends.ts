// Send API calls grouped into Graph batch requests (`POST /` with `batch=[{method, relative_url,
// body}]`, at most 50 per request). Meta documents batch requests for the Graph API in general
// (developers.facebook.com/docs/graph-api/batch-requests: "each call within the batch is counted
// separately" for rate limits); the Messenger Platform docs neither list nor exclude the Send API.
// So this is a switch, off by default (see docs/benchmarks.md). Each inner call keeps its own
// outcome: an inner answer goes through the same reading as a single call; an entry Meta left
// null (not completed) is an unknown outcome, never retried.

import { classifyGraphError } from '../messenger/graph-errors.ts';
import type { SendRequestBody } from '../messenger/send-request.ts';
import type { SendMessageResponse } from './client.ts';
import type { GraphResult } from './result.ts';

/** Meta's documented cap on operations per batch request. */
export const GRAPH_BATCH_MAX = 50;

export interface BatchEntry {
  readonly pageId: string;
  readonly body: SendRequestBody;
}

/** Posts one batch for one token; resolves with one result per entry, in order. */
export type PostBatch = (
  token: string,
  entries: readonly BatchEntry[],
) => Promise<readonly GraphResult<SendMessageResponse>[]>;

/**
 * An inner call's body, form-encoded as Graph reads batch bodies: strings as they are, objects
 * (recipient, message) as JSON text.
 */
export function formEncodeBody(body: Readonly<Record<string, unknown>>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return form.toString();
}

interface Pending extends BatchEntry {
  readonly resolve: (result: GraphResult<SendMessageResponse>) => void;
}

/**
 * Coalesces the sends made in the same event-loop turn, per access token (one batch carries one
 * token), into batches of at most `maxPerRequest`. A full batch leaves at once; the rest at the end
 * of the turn, so a lone send is not delayed.
 */
export function createSendBatcher(post: PostBatch, maxPerRequest = GRAPH_BATCH_MAX) {
  const max = Math.max(1, Math.min(GRAPH_BATCH_MAX, Math.floor(maxPerRequest)));
  const queues = new Map<string, Pending[]>();
  let scheduled = false;

  function flush(token: string, items: Pending[]): void {
    post(token, items).then(
      (results) => {
        items.forEach((item, i) => {
          item.resolve(results[i]!);
        });
      },
      // `post` returns values for every failure; a throw is a bug, reported as an unknown outcome.
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        for (const item of items)
          item.resolve({
            ok: false,
            outcome: 'unknown',
            attempts: 1,
            failure: { ...classifyGraphError(0, null), message: `Graph batch failed: ${message}` },
          });
      },
    );
  }

  function flushAll(): void {
    scheduled = false;
    for (const [token, items] of queues) flush(token, items);
    queues.clear();
  }

  return {
    send(pageId: string, token: string, body: SendRequestBody): Promise<GraphResult<SendMessageResponse>> {
      return new Promise((resolve) => {
        let queue = queues.get(token);
        if (queue === undefined) {
          queue = [];
          queues.set(token, queue);
        }
        queue.push({ pageId, body, resolve });
        if (queue.length >= max) {
          queues.delete(token);
          flush(token, queue);
        } else if (!scheduled) {
          scheduled = true;
          setImmediate(flushAll);
        }
      });
    },
  };
}
