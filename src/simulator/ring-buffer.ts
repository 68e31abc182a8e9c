/**
 * A fixed-capacity log that overwrites its oldest entries: the simulator records every request,
 * but a million-send benchmark must not grow memory without bound (the counters stay exact).
 */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(Math.max(0, capacity));
  }

  push(item: T): void {
    if (this.capacity <= 0) return;
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  get size(): number {
    return this.#size;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    const start = (this.#next - this.#size + this.capacity) % Math.max(1, this.capacity);
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
