import { describe, expect, it } from 'vitest';
import { BROADCAST_MESSAGE_CODES, BROADCAST_MESSAGES } from './messages.ts';
import { parseSchedule } from './model.ts';
import { type Schedule, scheduledFor, timezoneOf, timingFor } from './schedule.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-12-20T12:00:00Z');
const base: Schedule = {
  at: null,
  localTime: false,
  fallbackTimezone: null,
  beforeWindowCloses: false,
  windowMarginMinutes: 60,
  closedWindow: 'route',
};
const noZone = { timezone: null, pageTimezone: null };
const never = () => {
  throw new Error('the window must not be read for this schedule');
};

describe('schedule timing', () => {
  it('makes everyone due now without a schedule, without reading the window', () => {
    expect(timingFor(null, noZone, never, NOW)).toEqual({ kind: 'due', at: NOW, beforeClose: false });
  });

  it('makes everyone due at an absolute time whatever their zone', () => {
    const at = Date.parse('2026-12-24T09:00:00+01:00');
    const s = { ...base, at };
    expect(scheduledFor(s, { timezone: 5.5, pageTimezone: null }, NOW)).toBe(at);
    expect(scheduledFor(s, noZone, NOW)).toBe(at);
  });

  it("reads a local time in each person's zone: 09:00 in Madrid is 08:00 UTC, in Mexico City 15:00 UTC", () => {
    const s = { ...base, at: Date.UTC(2026, 11, 24, 9), localTime: true };
    expect(scheduledFor(s, { timezone: 1, pageTimezone: null }, NOW)).toBe(
      Date.parse('2026-12-24T08:00:00Z'),
    );
    expect(scheduledFor(s, { timezone: -6, pageTimezone: null }, NOW)).toBe(
      Date.parse('2026-12-24T15:00:00Z'),
    );
    expect(scheduledFor(s, { timezone: 5.5, pageTimezone: null }, NOW)).toBe(
      Date.parse('2026-12-24T03:30:00Z'),
    );
  });

  it("uses the chosen fallback, else the Page's most common zone, else UTC for people without a zone", () => {
    const s = { ...base, at: Date.UTC(2026, 11, 24, 9), localTime: true };
    expect(timezoneOf({ ...s, fallbackTimezone: -3 }, { timezone: null, pageTimezone: 1 })).toBe(-3);
    expect(timezoneOf(s, { timezone: null, pageTimezone: 1 })).toBe(1);
    expect(timezoneOf(s, noZone)).toBe(0);
    expect(timezoneOf({ ...s, fallbackTimezone: -3 }, { timezone: 2, pageTimezone: 1 })).toBe(2);
  });

  it('sends at once to a person whose local time has already passed (late rather than never)', () => {
    const s = { ...base, at: Date.UTC(2026, 11, 20, 13), localTime: true };
    // 13:00 in UTC+3 was 10:00 UTC, two hours ago.
    expect(scheduledFor(s, { timezone: 3, pageTimezone: null }, NOW)).toBe(NOW);
  });

  describe('before each person’s window closes', () => {
    const at = NOW + 20 * H;
    const s = { ...base, at, beforeWindowCloses: true };

    it('sends a margin before the close to a person whose window closes before the time', () => {
      const closesAt = NOW + 5 * H;
      expect(timingFor(s, noZone, () => ({ open: true, closesAt }), NOW)).toEqual({
        kind: 'due',
        at: closesAt - H,
        beforeClose: true,
      });
      expect(
        timingFor({ ...s, windowMarginMinutes: 15 }, noZone, () => ({ open: true, closesAt }), NOW),
      ).toMatchObject({ at: closesAt - 15 * 60_000 });
    });

    it('keeps the scheduled time for a person whose window stays open past it', () => {
      expect(timingFor(s, noZone, () => ({ open: true, closesAt: at + 2 * H }), NOW)).toEqual({
        kind: 'due',
        at,
        beforeClose: false,
      });
    });

    it('sends at once when the window closes within the margin', () => {
      expect(timingFor(s, noZone, () => ({ open: true, closesAt: NOW + 20 * 60_000 }), NOW)).toEqual({
        kind: 'due',
        at: NOW,
        beforeClose: true,
      });
    });

    it('keeps the time (the route dispatch finds) or skips a person whose window is closed, as chosen', () => {
      const closed = () => ({ open: false, closesAt: NOW - H });
      expect(timingFor(s, noZone, closed, NOW)).toEqual({ kind: 'due', at, beforeClose: false });
      expect(timingFor({ ...s, closedWindow: 'skip' }, noZone, closed, NOW)).toEqual({
        kind: 'skip',
        reason: 'window_closed',
      });
      expect(
        timingFor({ ...s, closedWindow: 'skip' }, noZone, () => ({ open: false, closesAt: null }), NOW),
      ).toEqual({ kind: 'skip', reason: 'window_closed' });
    });

    it("combines with local time: the earlier of the person's 09:00 and their window's close", () => {
      const local = { ...s, at: Date.UTC(2026, 11, 21, 9), localTime: true };
      const madrid = { timezone: 1, pageTimezone: null };
      expect(timingFor(local, madrid, () => ({ open: true, closesAt: NOW + 30 * H }), NOW)).toMatchObject({
        at: Date.parse('2026-12-21T08:00:00Z'),
        beforeClose: false,
      });
      expect(timingFor(local, madrid, () => ({ open: true, closesAt: NOW + 10 * H }), NOW)).toMatchObject({
        at: NOW + 9 * H,
        beforeClose: true,
      });
    });
  });
});

describe('schedule input', () => {
  it('stores a zoned time as an absolute moment and a local time as a wall clock', () => {
    expect(parseSchedule({ at: '2026-12-24T09:00+01:00' }, 'en', NOW)).toEqual({
      ok: true,
      schedule: { ...base, at: Date.parse('2026-12-24T08:00:00Z') },
    });
    expect(
      parseSchedule(
        { at: '2026-12-24T09:00', localTime: true, beforeWindowCloses: true, closedWindow: 'skip' },
        'en',
        NOW,
      ),
    ).toEqual({
      ok: true,
      schedule: {
        ...base,
        at: Date.UTC(2026, 11, 24, 9),
        localTime: true,
        beforeWindowCloses: true,
        closedWindow: 'skip',
      },
    });
    expect(parseSchedule(undefined, 'en', NOW)).toEqual({ ok: true, schedule: null });
  });

  it.each([
    [{ at: '2026-12-24T09:00' }, 'schedule.at', 'schedule_needs_zone', 'time zone', 'zona horaria'],
    [
      { at: '2026-12-24T09:00Z', localTime: true },
      'schedule.at',
      'schedule_local_has_zone',
      'without an offset',
      'sin desfase',
    ],
    [{ at: 'tomorrow' }, 'schedule.at', 'schedule_at_invalid', 'not a date', 'no es una fecha'],
    [
      { at: '2026-02-30T09:00', localTime: true },
      'schedule.at',
      'schedule_at_invalid',
      'not a date',
      'no es una fecha',
    ],
    [{ at: '2026-12-01T09:00Z' }, 'schedule.at', 'schedule_in_past', 'already passed', 'ya ha pasado'],
    [
      { beforeWindowCloses: true },
      'schedule.beforeWindowCloses',
      'schedule_needs_at',
      'needs schedule.at',
      'necesita schedule.at',
    ],
    [
      { localTime: true },
      'schedule.localTime',
      'schedule_needs_at',
      'needs schedule.at',
      'necesita schedule.at',
    ],
    [
      { at: '2026-12-24T09:00Z', fallbackTimezone: 15 },
      'schedule.fallbackTimezone',
      'invalid_timezone',
      'between -12 and 14',
      'entre -12 y 14',
    ],
  ])('refuses %j naming %s (%s), in English and Spanish', (input, field, code, en, es) => {
    const r = parseSchedule(input, 'en', NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems[0]).toMatchObject({ field, code });
      expect(r.problems[0]!.message).toContain(en);
    }
    const rs = parseSchedule(input, 'es', NOW);
    if (!rs.ok) expect(rs.problems[0]!.message).toContain(es);
    else throw new Error('accepted in Spanish');
  });

  it('accepts a local time still ahead somewhere (UTC−12) even if it has passed in UTC', () => {
    expect(parseSchedule({ at: '2026-12-20T09:00', localTime: true }, 'en', NOW).ok).toBe(true);
    expect(parseSchedule({ at: '2026-12-19T20:00', localTime: true }, 'en', NOW).ok).toBe(false);
  });
});

describe('broadcast messages', () => {
  it('exist in Spanish and English for every code, and differ', () => {
    for (const code of BROADCAST_MESSAGE_CODES) {
      expect(BROADCAST_MESSAGES.en[code].length).toBeGreaterThan(5);
      expect(BROADCAST_MESSAGES.es[code].length).toBeGreaterThan(5);
      expect(BROADCAST_MESSAGES.es[code]).not.toBe(BROADCAST_MESSAGES.en[code]);
    }
  });
});
