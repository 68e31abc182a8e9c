/**
 * A sleep that can be cut short: pollers wait on it with a timeout, and anything that makes work
 * available (an enqueue in this process, a freed concurrency slot, close) wakes them at once.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  /** Resolves after `ms`, or earlier when {@link wake} is called. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  wake(): void {
    for (const done of [...this.waiters]) done();
  }
}
