/**
 * Waiting, in tests, for what another part of the system does in its own time (a worker, a thread, a
 * live stream, a queue engine): `read` is polled until `ok` accepts its value, and that value is
 * returned. Past the deadline it throws, naming what was awaited and the last value seen. Nothing
 * about timing is asserted: the deadline only stops a test that would otherwise hang.
 */
export interface PollOptions {
  /** Default 20 s (slow engines, busy CI machines). */
  readonly timeoutMs?: number;
  /** Pause between reads. Default 20 ms. */
  readonly everyMs?: number;
}

/** Without `ok`, waits for a value that is not undefined, null or false. */
export function pollUntil<T>(
  what: string,
  read: () => T | Promise<T>,
  options?: PollOptions,
): Promise<Exclude<T, undefined | null | false>>;
export function pollUntil<T>(
  what: string,
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  options?: PollOptions,
): Promise<T>;
export async function pollUntil<T>(
  what: string,
  read: () => T | Promise<T>,
  okOrOptions?: ((value: T) => boolean) | PollOptions,
  maybeOptions: PollOptions = {},
): Promise<T> {
  const ok =
    typeof okOrOptions === 'function' ? okOrOptions : (v: T) => v !== undefined && v !== null && v !== false;
  const { timeoutMs = 20_000, everyMs = 20 } =
    (typeof okOrOptions === 'function' ? maybeOptions : okOrOptions) ?? {};
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}; last value: ${shown(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function shown(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 500);
  } catch {
    return String(value);
  }
}
