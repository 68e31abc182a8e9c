/**
 * Fault injection: a list of active faults, each scoped to a Page and/or a PSID, fired for the next
 * N matching calls or with a probability, until exhausted or cleared. The first matching fault
 * wins; latency is separate and adds up, so a slow Graph can also fail.
 */
import type { ActiveFault, FaultKind, FaultSpec } from './types.ts';

const FAULT_KINDS: readonly FaultKind[] = [
  'http_500',
  'http_503',
  'timeout',
  'rate_limit_613',
  'token_expired_190',
  'blocked_551',
  'window_closed_10',
  'page_restricted',
  'marketing_weekly_cap',
  'latency',
];

/** Bursty faults fire once by default; state-like faults (expired token, block...) last until cleared. */
export function defaultCount(kind: FaultKind): number {
  switch (kind) {
    case 'http_500':
    case 'http_503':
    case 'timeout':
    case 'rate_limit_613':
      return 1;
    case 'token_expired_190':
    case 'blocked_551':
    case 'window_closed_10':
    case 'page_restricted':
    case 'marketing_weekly_cap':
    case 'latency':
      return Number.POSITIVE_INFINITY;
    default: {
      const never: never = kind;
      throw new Error(`unknown fault kind ${String(never)}`);
    }
  }
}

/** Checks a fault spec that came over HTTP; returns an English error or null. */
export function checkFaultSpec(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'fault must be an object';
  const f = v as Record<string, unknown>;
  if (typeof f.kind !== 'string' || !FAULT_KINDS.includes(f.kind as FaultKind)) {
    return `fault.kind must be one of ${FAULT_KINDS.join(', ')}`;
  }
  for (const k of ['pageId', 'psid'] as const) {
    if (f[k] !== undefined && typeof f[k] !== 'string') return `fault.${k} must be a string`;
  }
  for (const k of ['count', 'holdMs', 'latencyMs'] as const) {
    if (f[k] !== undefined && (typeof f[k] !== 'number' || (f[k] as number) < 0)) {
      return `fault.${k} must be a non-negative number`;
    }
  }
  if (f.probability !== undefined) {
    if (typeof f.probability !== 'number' || f.probability < 0 || f.probability > 1) {
      return 'fault.probability must be between 0 and 1';
    }
  }
  if (f.delivered !== undefined && typeof f.delivered !== 'boolean')
    return 'fault.delivered must be a boolean';
  return null;
}

export class FaultInjector {
  #faults: ActiveFault[] = [];
  #seq = 0;

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): string {
    const id = `f${++this.#seq}`;
    // A probabilistic fault without a count keeps rolling until cleared.
    const count =
      spec.count ?? (spec.probability === undefined ? defaultCount(spec.kind) : Number.POSITIVE_INFINITY);
    this.#faults.push({ ...spec, id, remaining: count, fired: 0 });
    return id;
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length !== before;
  }

  /** Clears every fault, or only those of one Page. */
  clear(pageId?: string): void {
    this.#faults = pageId === undefined ? [] : this.#faults.filter((f) => f.pageId !== pageId);
  }

  list(): readonly ActiveFault[] {
    return this.#faults;
  }

  get active(): boolean {
    return this.#faults.length > 0;
  }

  /** Total latency to add to a call (fires every matching latency fault). */
  latency(pageId: string | null, psid: string | null): number {
    let ms = 0;
    for (const f of this.#faults) {
      if (f.kind === 'latency' && this.#fires(f, pageId, psid)) ms += f.latencyMs ?? 20;
    }
    this.#prune();
    return ms;
  }

  /**
   * The fault for this call, consumed, or null. Person faults (551, window closed) only apply to
   * sends (`send` true); other Graph calls skip them without consuming them.
   */
  take(pageId: string | null, psid: string | null, send = true, marketing = false): ActiveFault | null {
    for (const f of this.#faults) {
      if (f.kind === 'latency') continue;
      // Marketing caps are answers of the Marketing Message API only.
      if (f.kind === 'marketing_weekly_cap' && !marketing) continue;
      if (!send && (f.kind === 'blocked_551' || f.kind === 'window_closed_10')) continue;
      if (this.#fires(f, pageId, psid)) {
        this.#prune();
        return f;
      }
    }
    return null;
  }

  #fires(f: ActiveFault, pageId: string | null, psid: string | null): boolean {
    if (f.remaining <= 0) return false;
    if (f.pageId !== undefined && f.pageId !== pageId) return false;
    if (f.psid !== undefined && f.psid !== psid) return false;
    if (f.probability !== undefined && f.probability < 1 && this.random() >= f.probability) return false;
    f.remaining--;
    f.fired++;
    return true;
  }

  #prune(): void {
    if (this.#faults.some((f) => f.remaining <= 0))
      this.#faults = this.#faults.filter((f) => f.remaining > 0);
  }
}
