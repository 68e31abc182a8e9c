/**
 * Webhooks first. Meta wants its 200 within seconds and disables a webhook that keeps failing, while
 * everything behind it (applying events, profile fetches, sends) may lag a burst by seconds.
 *
 * Background loops call `pace()` between units of work (a unit holds the event loop for a few ms:
 * better-sqlite3 is synchronous). The pacer gives webhooks priority, as an OS scheduler would:
 * - a unit starts when no webhook is being stored and none was for `quietMs`, one unit per look:
 *   under an ordinary stream of webhooks the gaps between them are long, so background work keeps
 *   pace, and a webhook arriving in a gap waits for one unit at most;
 * - while webhooks leave no such gap (a burst that saturates the process), units wait, and the
 *   waiting loops share one schedule that starts a unit every `restMs` at most, so the background
 *   still progresses but takes a small, bounded share of the CPU however many loops there are;
 * - with no webhook at all, `pace()` only yields a turn.
 */
export interface Pacer {
  /** A webhook is being stored; call the returned function once it is committed (or failed). */
  begin(): () => void;
  /** Whether webhooks arrived in the last `windowMs` (background units then stay short). */
  busy(): boolean;
  /** Resolves when this loop may run its next unit (see above). */
  pace(): Promise<void>;
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createPacer(
  options: {
    windowMs?: number;
    quietMs?: number;
    restMs?: number;
    /** How often waiting loops look for a gap. */
    checkMs?: number;
    clock?: () => number;
  } = {},
): Pacer {
  const { windowMs = 100, quietMs = 2, restMs = 100, checkMs = 1, clock = () => performance.now() } = options;
  let inFlight = 0;
  let last = Number.NEGATIVE_INFINITY;
  // The next moment a waiting unit may start even without a gap (the starvation bound).
  let nextForced = Number.NEGATIVE_INFINITY;
  const waiters: (() => void)[] = [];
  let checking = false;

  const quiet = () => inFlight === 0 && clock() - last >= quietMs;
  // One pending look at a time: right after the unit just released, or `checkMs` later.
  const lookAgain = (soon: boolean): void => {
    if (checking || waiters.length === 0) return;
    checking = true;
    if (soon) setImmediate(check);
    else setTimeout(check, checkMs);
  };

  function check(): void {
    checking = false;
    if (waiters.length === 0) return;
    const t = clock();
    if (quiet()) {
      // A gap: one unit now, the next after another look, so a webhook arriving meanwhile waits
      // for one unit at most; with no webhook for a while, every waiting loop goes at once.
      if (t - last >= windowMs) for (const resolve of waiters.splice(0)) resolve();
      else waiters.shift()?.();
      // The next look comes right after that unit (I/O that arrived meanwhile is served first).
      lookAgain(true);
      return;
    }
    if (t >= nextForced) {
      nextForced = t + restMs;
      waiters.shift()?.();
    }
    lookAgain(false);
  }

  return {
    begin() {
      inFlight++;
      last = clock();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        inFlight--;
        last = clock();
      };
    },
    busy: () => inFlight > 0 || clock() - last < windowMs,
    pace() {
      if (waiters.length === 0 && quiet()) return yieldTurn();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        lookAgain(false);
      });
    },
  };
}

/** A pacer that never waits (tests, worker processes without a webhook). */
export const NO_PACER: Pacer = { begin: () => () => {}, busy: () => false, pace: yieldTurn };
