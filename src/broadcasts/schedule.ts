/**
 * When each person of a broadcast is due. Pure: the fan-out stores the answer on the person's
 * outbox row (`next_attempt_at`), preflight decides at that moment, and dispatch still re-checks
 * the window when the moment comes.
 *
 * - now: everyone is due when the fan-out reaches them;
 * - at a time: `at` (an absolute moment);
 * - local time: `at` is a wall-clock time read in each person's time zone (`contacts.timezone`,
 *   hours from UTC); people without one use `fallbackTimezone`, else the Page's most common zone,
 *   else UTC. Someone whose local time has already passed is due at once (late rather than never);
 * - before each person's window closes: a person whose standard window would close before their
 *   time gets the message `windowMarginMinutes` before it closes, so it still goes out on the
 *   standard route; a person whose window is already closed keeps their time (and the route
 *   dispatch then finds for them, as preflight showed) or is skipped: `closedWindow`.
 */

export const CLOSED_WINDOW_CHOICES = ['route', 'skip'] as const;
export type ClosedWindowChoice = (typeof CLOSED_WINDOW_CHOICES)[number];

export const DEFAULT_WINDOW_MARGIN_MINUTES = 60;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** The earliest and latest UTC offsets in use (Kiribati, Baker Island). */
export const MAX_OFFSET_HOURS = 14;
export const MIN_OFFSET_HOURS = -12;

/** A broadcast's schedule as stored (null schedule = now). */
export interface Schedule {
  /**
   * Absolute moment (epoch ms), or with `localTime` the wall-clock time as if it were UTC
   * (`Date.UTC(2026, 11, 24, 9)` for "24 Dec 09:00 in each person's zone"). Null: now.
   */
  readonly at: number | null;
  readonly localTime: boolean;
  /** Hours from UTC for people without a time zone; null: the Page's most common zone, else UTC. */
  readonly fallbackTimezone: number | null;
  readonly beforeWindowCloses: boolean;
  readonly windowMarginMinutes: number;
  readonly closedWindow: ClosedWindowChoice;
}

/** What the timing needs to know about one person. */
export interface PersonClock {
  readonly timezone: number | null;
  /** The most common zone of the person's Page (null when none of its contacts has one). */
  readonly pageTimezone: number | null;
}

/** The person's standard window as decide() sees it now (only read by window-aware schedules). */
export interface WindowNow {
  readonly open: boolean;
  readonly closesAt: number | null;
}

export type Timing =
  | {
      readonly kind: 'due';
      readonly at: number;
      /** True when the window moved the person earlier than their scheduled time. */
      readonly beforeClose: boolean;
    }
  | { readonly kind: 'skip'; readonly reason: 'window_closed' };

/** The zone a person's local time is read in (hours from UTC). */
export function timezoneOf(schedule: Schedule, person: PersonClock): number {
  return person.timezone ?? schedule.fallbackTimezone ?? person.pageTimezone ?? 0;
}

/** The person's scheduled moment, before any window adjustment (null schedule: `now`). */
export function scheduledFor(schedule: Schedule | null, person: PersonClock, now: number): number {
  if (schedule === null || schedule.at === null) return now;
  const at = schedule.localTime
    ? schedule.at - Math.round(timezoneOf(schedule, person) * HOUR_MS)
    : schedule.at;
  return Math.max(at, now);
}

/**
 * When the person is due (never before `now`), or that they are skipped.
 * @param window read only for window-aware schedules (pass a thunk so others never decide)
 */
export function timingFor(
  schedule: Schedule | null,
  person: PersonClock,
  window: () => WindowNow,
  now: number,
): Timing {
  const at = scheduledFor(schedule, person, now);
  if (schedule === null || !schedule.beforeWindowCloses) return { kind: 'due', at, beforeClose: false };
  const w = window();
  if (!w.open || w.closesAt === null || w.closesAt <= now) {
    return schedule.closedWindow === 'skip'
      ? { kind: 'skip', reason: 'window_closed' }
      : { kind: 'due', at, beforeClose: false };
  }
  const latest = w.closesAt - schedule.windowMarginMinutes * MINUTE_MS;
  if (latest >= at) return { kind: 'due', at, beforeClose: false };
  return { kind: 'due', at: Math.max(latest, now), beforeClose: true };
}

/** The schedule as people read it: ISO moments (`at` without an offset for local time). */
export function renderSchedule(schedule: Schedule | null) {
  if (schedule === null) return null;
  return {
    ...schedule,
    at:
      schedule.at === null
        ? null
        : schedule.localTime
          ? new Date(schedule.at).toISOString().slice(0, 16)
          : new Date(schedule.at).toISOString(),
  };
}
