/** Broadcasts and reports as JSON for people and the dashboard: moments as ISO 8601 text. */
import type { Broadcast } from './model.ts';
import { renderSchedule } from './schedule.ts';
import type { BroadcastReport } from './service.ts';

/** A broadcast as JSON: its schedule with ISO moments (local time without an offset). */
export function renderBroadcast(b: Broadcast) {
  return { ...b, schedule: renderSchedule(b.schedule) };
}

export function renderReport(r: BroadcastReport) {
  return {
    ...r,
    schedule: renderSchedule(r.schedule),
    nextDueAt: r.nextDueAt === null ? null : new Date(r.nextDueAt).toISOString(),
  };
}
