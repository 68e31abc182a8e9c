/**
 * When a step falls due: a delay after the enrollment or after the previous step, optionally moved
 * to the next "HH:MM in the person's local time". Pure. Time zones are Meta's fixed hour offsets
 * (`contact.timezone`, possibly fractional like 5.5 or -3.5): no DST tables are involved, so the
 * same offset gives the same answer every day of the year.
 */
import type { StepDelay } from './model.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const UNIT_MS: Readonly<Record<StepDelay['unit'], number>> = {
  minutes: MINUTE,
  hours: 60 * MINUTE,
  days: DAY,
};

/** The delay in milliseconds. */
export function delayMs(delay: Pick<StepDelay, 'amount' | 'unit'>): number {
  return delay.amount * UNIT_MS[delay.unit];
}

/** "HH:MM" → minutes after midnight, or null when the text is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * The first instant at or after `at` whose local time (UTC + `offsetHours`) is `timeOfDay`.
 * @example nextLocalTime(Date.parse('2026-03-01T20:00:00Z'), '09:00', -5) // 2026-03-02T14:00:00Z
 */
export function nextLocalTime(at: number, timeOfDay: string, offsetHours: number): number {
  const minutes = parseTimeOfDay(timeOfDay);
  if (minutes === null) throw new Error(`invalid time of day ${timeOfDay}`);
  const offset = Math.round(offsetHours * 60) * MINUTE;
  const local = at + offset;
  let candidate = Math.floor(local / DAY) * DAY + minutes * MINUTE;
  if (candidate < local) candidate += DAY;
  return candidate - offset;
}

export interface ScheduleInput {
  readonly delay: StepDelay;
  readonly enrolledAt: number;
  /** When the previous step was handled (sent, skipped, released); the enrollment for the first step. */
  readonly previousAt: number;
  /** The person's UTC offset in hours; null when unknown. */
  readonly timezone: number | null;
  /** The sequence's offset for people whose time zone is unknown. */
  readonly defaultTimezone: number;
}

/** When a step falls due. Pure. */
export function dueAt(input: ScheduleInput): number {
  const anchor = input.delay.from === 'enrollment' ? input.enrolledAt : input.previousAt;
  const base = anchor + delayMs(input.delay);
  if (input.delay.sendAt === null) return base;
  return nextLocalTime(base, input.delay.sendAt, input.timezone ?? input.defaultTimezone);
}
