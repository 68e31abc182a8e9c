import { describe, expect, it } from 'vitest';
import type { StepDelay } from './model.ts';
import { delayMs, dueAt, nextLocalTime, parseTimeOfDay } from './schedule.ts';

const T = (iso: string) => Date.parse(iso);
const delay = (d: Partial<StepDelay>): StepDelay => ({
  amount: 0,
  unit: 'hours',
  from: 'previous',
  sendAt: null,
  ...d,
});

describe('when a sequence step falls due', () => {
  it('adds minutes, hours and days to the previous step', () => {
    const base = { enrolledAt: T('2026-03-01T08:00:00Z'), timezone: null, defaultTimezone: 0 };
    const previousAt = T('2026-03-02T10:00:00Z');
    expect(dueAt({ ...base, previousAt, delay: delay({ amount: 30, unit: 'minutes' }) })).toBe(
      T('2026-03-02T10:30:00Z'),
    );
    expect(dueAt({ ...base, previousAt, delay: delay({ amount: 2, unit: 'days' }) })).toBe(
      T('2026-03-04T10:00:00Z'),
    );
    expect(delayMs({ amount: 3, unit: 'hours' })).toBe(3 * 3_600_000);
  });

  it('counts from the enrollment when the step says so, whatever happened since', () => {
    expect(
      dueAt({
        enrolledAt: T('2026-03-01T08:00:00Z'),
        previousAt: T('2026-03-05T23:00:00Z'),
        timezone: null,
        defaultTimezone: 0,
        delay: delay({ amount: 3, unit: 'days', from: 'enrollment' }),
      }),
    ).toBe(T('2026-03-04T08:00:00Z'));
  });

  it('sends at 09:00 in the person\u2019s local time: the next 09:00 after the delay, never before it', () => {
    // 20:00 UTC is 15:00 in UTC-5: 09:00 local is next morning, 14:00 UTC.
    expect(nextLocalTime(T('2026-03-01T20:00:00Z'), '09:00', -5)).toBe(T('2026-03-02T14:00:00Z'));
    // 10:00 UTC is 05:00 in UTC-5: 09:00 local is the same day.
    expect(nextLocalTime(T('2026-03-01T10:00:00Z'), '09:00', -5)).toBe(T('2026-03-01T14:00:00Z'));
    // Exactly at the time: now.
    expect(nextLocalTime(T('2026-03-01T14:00:00Z'), '09:00', -5)).toBe(T('2026-03-01T14:00:00Z'));
  });

  it('handles fractional offsets and offsets that cross midnight', () => {
    // India, UTC+5:30: 09:00 local = 03:30 UTC.
    expect(nextLocalTime(T('2026-03-01T04:00:00Z'), '09:00', 5.5)).toBe(T('2026-03-02T03:30:00Z'));
    // Kiribati, UTC+14: 08:00 local on 2 March = 18:00 UTC on 1 March.
    expect(nextLocalTime(T('2026-03-01T12:00:00Z'), '08:00', 14)).toBe(T('2026-03-01T18:00:00Z'));
  });

  it('uses fixed offsets: the same local hour maps to the same UTC hour across a DST change date', () => {
    // Meta gives a numeric offset; no DST table is involved (29 March 2026 is a European DST date).
    const before = nextLocalTime(T('2026-03-28T00:00:00Z'), '09:00', 1);
    const after = nextLocalTime(T('2026-03-30T00:00:00Z'), '09:00', 1);
    expect(new Date(before).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(new Date(after).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('falls back to the sequence\u2019s time zone when the person\u2019s is unknown', () => {
    const input = {
      enrolledAt: T('2026-03-01T08:00:00Z'),
      previousAt: T('2026-03-01T08:00:00Z'),
      delay: delay({ amount: 1, unit: 'hours', sendAt: '18:30' }),
    };
    expect(dueAt({ ...input, timezone: null, defaultTimezone: -3 })).toBe(T('2026-03-01T21:30:00Z'));
    expect(dueAt({ ...input, timezone: 2, defaultTimezone: -3 })).toBe(T('2026-03-01T16:30:00Z'));
  });

  it('reads only real times of day', () => {
    expect(parseTimeOfDay('09:05')).toBe(545);
    expect(parseTimeOfDay('24:00')).toBeNull();
    expect(parseTimeOfDay('9:00')).toBeNull();
    expect(() => nextLocalTime(0, '25:00', 0)).toThrow(/invalid time/);
  });
});
