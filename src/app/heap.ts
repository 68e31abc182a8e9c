/**
 * How far V8 lets its heap grow past what survived the last full collection before it collects
 * again. V8 picks the factor itself, up to 4x, and for a service whose live data is small but which
 * allocates fast (a broadcast dispatch keeps ~35 MB alive and allocates ~40 KB per message) it
 * picks the maximum: the heap swelled to ~140 MB of mostly garbage between full collections and
 * the process peaked over 300 MB. At 100 % growth (2x) the same dispatch peaked at 217 MB against
 * 288 MB and was not slower (docs/benchmarks.md, 2026-12-02): full collections come more often,
 * but they are incremental and cheap on a small live heap.
 *
 * Set with `VENTANA_HEAP_GROWING_PERCENT` (0: V8's own choice). V8 reads this flag each time it
 * sizes the heap after a collection, so setting it once early, before the heap has grown, holds for
 * the process' life.
 */
import { setFlagsFromString } from 'node:v8';

export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
