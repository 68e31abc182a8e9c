/**
 * A resumed scheduled broadcast: its held rows get their schedule back (pause parks rows far in the
 * future and forgets when they were due). Each person's moment is computed again, from the schedule
 * and today's facts: someone whose window moved while the broadcast was paused gets the new timing.
 */
import type { RuleBook } from '../policy/index.ts';
import { audienceRowsById, queuedRows, setQueuedDue } from '../storage/broadcasts.ts';
import type { Queryable } from '../storage/index.ts';
import type { Broadcast } from './model.ts';
import { scheduledFor, timingFor } from './schedule.ts';
import { decideFor, walkContext } from './walk.ts';

/** Returns how many queued rows got a due moment. */
export async function rescheduleQueued(
  database: Queryable,
  broadcast: Broadcast,
  now: number,
  rules: RuleBook,
  chunk = 2000,
): Promise<number> {
  if (broadcast.schedule === null) return 0;
  const ctx = await walkContext(database, broadcast, now, rules);
  let after = '';
  let changed = 0;
  for (;;) {
    const rows = await queuedRows(database, broadcast.id, after, chunk);
    if (rows.length === 0) return changed;
    const people = new Map(
      (await audienceRowsById(database, [...new Set(rows.map((r) => r.contactId))])).map((c) => [c.id, c]),
    );
    const byDue = new Map<number, string[]>();
    for (const r of rows) {
      const person = people.get(r.contactId);
      let due = now;
      if (person) {
        const clock = {
          timezone: person.timezone,
          pageTimezone: ctx.pageTimezones.get(person.page_id) ?? null,
        };
        const t = timingFor(
          broadcast.schedule,
          clock,
          () => {
            const d = decideFor(ctx, person);
            return { open: d?.windowOpen ?? false, closesAt: d?.windowClosesAt ?? null };
          },
          now,
        );
        // Already in the outbox: a person the schedule would now skip keeps their scheduled time.
        due = t.kind === 'due' ? t.at : scheduledFor(broadcast.schedule, clock, now);
      }
      const ids = byDue.get(due);
      if (ids) ids.push(r.id);
      else byDue.set(due, [r.id]);
    }
    for (const [due, ids] of byDue) changed += await setQueuedDue(database, ids, due, now);
    after = rows[rows.length - 1]!.id;
    if (rows.length < chunk) return changed;
  }
}
