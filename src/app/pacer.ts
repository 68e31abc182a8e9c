/**
 * Webhooks first. Meta wants its 200 within seconds and disables a webhook that keeps failing, while
 * everything behind it (applying events, profile fetches, sends) may lag a burst by seconds. The
 * pacer knows when webhooks are arriving; background loops call `pace()` between units of work and,
 * during a burst, rest several times as long as they worked (a small duty cycle), then run at full
 * speed once it ends.
 */
export interface Pacer {
  /** A webhook arrived. */
  touch(): void;
  /** Whether webhooks arrived in the last `windowMs`. */
  busy(): boolean;
  /** Resolves at once when idle; after `restMs` during a burst. */
  pace(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createPacer(
  options: {
    windowMs?: number;
    restMs?: number;
    clock?: () => number;
    rest?: (ms: number) => Promise<void>;
  } = {},
): Pacer {
  const { windowMs = 100, restMs = 72, clock = () => performance.now(), rest = sleep } = options;
  let last = Number.NEGATIVE_INFINITY;
  const busy = () => clock() - last < windowMs;
  return {
    touch() {
      last = clock();
    },
    busy,
    pace() {
      return busy() ? rest(restMs) : yieldTurn();
    },
  };
}

/** A pacer that never rests (tests, worker processes without a webhook). */
export const NO_PACER: Pacer = { touch() {}, busy: () => false, pace: yieldTurn };
