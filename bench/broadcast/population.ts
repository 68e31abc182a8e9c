/** The benchmark's synthetic population, computed the same way in the Ventana and simulator processes. */

const NAMES = [
  'Ana',
  'Luis',
  'María',
  'José',
  'Lucía',
  'Carlos',
  'Sofía',
  'Javier',
  'Elena',
  'Pablo',
  'Carmen',
  'Diego',
];
const HOUR = 3_600_000;

export function benchPageId(index: number): string {
  return String(400000000000000 + index);
}

export interface BenchPerson {
  readonly pageId: string;
  readonly psid: string;
  readonly firstName: string | null;
  readonly locale: string;
  /** Inside the window for a share `inside` of people (0.5–20 h ago), otherwise 30–100 h ago. */
  readonly lastInboundAt: number;
}

/** Person `i`: Pages interleaved (i mod pages), as contacts of many Pages arrive over time. */
export function benchPerson(i: number, pages: number, now: number, inside: number): BenchPerson {
  // A cheap deterministic hash so both processes agree without sharing state.
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const r = (h % 10_000) / 10_000;
  const hoursAgo = r < inside ? 0.5 + (r / inside) * 19.5 : 30 + ((r - inside) / (1 - inside)) * 70;
  return {
    pageId: benchPageId(i % pages),
    psid: String(7_000_000_000_000_000 + i),
    firstName: h % 10 === 0 ? null : NAMES[h % NAMES.length]!,
    locale: h % 3 === 0 ? 'en_US' : 'es_ES',
    lastInboundAt: Math.round(now - hoursAgo * HOUR),
  };
}
