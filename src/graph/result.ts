// What every Graph client call returns: a value, never an exception, for any HTTP, Graph or network
// failure. The `outcome` of a failure says whether Meta may have acted on the request, because a
// send whose fate is unknown must be reported, not guessed (DESIGN §5).

import type { BusinessUseCaseUsage, GraphFailure } from '../messenger/graph-errors.ts';

/**
 * Whether a failed request may have had an effect at Meta.
 * - `refused`: certainly no effect: Meta answered with an error, or the request never left
 *   (connection refused, DNS, TLS, connect timeout).
 * - `unknown`: it may or may not have been applied (timeout after the body was sent, connection
 *   reset mid-response, a gateway 5xx without a Graph error body). Never retry a send blindly.
 */
export type GraphOutcome = 'refused' | 'unknown';

/** A successful Graph call. */
export interface GraphSuccess<T> {
  readonly ok: true;
  readonly status: number;
  readonly data: T;
  /** Parsed `X-Business-Use-Case-Usage`, when Meta sent it: feed it to the rate limiter. */
  readonly usage?: BusinessUseCaseUsage;
  /** HTTP calls made, including in-call retries (1 when the first try answered). */
  readonly attempts: number;
}

/** A failed Graph call, classified by the shared taxonomy (`src/messenger/graph-errors.ts`). */
export interface GraphError {
  readonly ok: false;
  readonly failure: GraphFailure;
  /** HTTP status, absent when no response arrived. */
  readonly status?: number;
  readonly outcome: GraphOutcome;
  readonly usage?: BusinessUseCaseUsage;
  readonly attempts: number;
}

/** The result of any Graph client call. */
export type GraphResult<T> = GraphSuccess<T> | GraphError;
