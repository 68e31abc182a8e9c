/**
 * The live size of an audience while it is being edited: the same filter the fan-out applies, without
 * a decision per person unless the audience filters on the window. Filters SQL can answer alone
 * (Pages, last seen) are one COUNT.
 */
import type { RuleBook } from '../policy/index.ts';
import { countContacts } from '../storage/broadcasts.ts';
import type { Queryable } from '../storage/index.ts';
import { audienceScanFilters } from './audience.ts';
import type { Audience, Broadcast } from './model.ts';
import { walkContext, walkEach } from './walk.ts';

const SQL_ONLY: ReadonlySet<string> = new Set(['pageIds', 'lastSeenWithinDays', 'notSeenForDays']);

export async function countAudience(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly audience: Audience;
    readonly at: number;
    readonly rules: RuleBook;
  },
): Promise<number> {
  const { audience, at } = input;
  if (Object.keys(audience).every((k) => SQL_ONLY.has(k)))
    return countContacts(database, { workspaceId: input.workspaceId, ...audienceScanFilters(audience, at) });
  // Only the audience matters here: a neutral content, no schedule, nothing tracked.
  const probe: Broadcast = {
    id: '',
    workspaceId: input.workspaceId,
    name: '',
    audience,
    content: { message: { type: 'text', text: '.' } },
    intent: 'non_promotional',
    verdict: { promotional: false, score: 0, signals: [] },
    status: 'draft',
    fanOutCursor: null,
    fanOutDone: false,
    enqueued: 0,
    createdAt: at,
    updatedAt: at,
    startedAt: null,
    finishedAt: null,
    schedule: null,
    trackLinks: false,
    skipped: 0,
  };
  const ctx = await walkContext(database, probe, at, input.rules);
  let count = 0;
  await walkEach(database, ctx, { decisions: false, chunk: 10_000 }, () => {
    count++;
  });
  return count;
}
