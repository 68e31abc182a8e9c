/** What every inbox use case needs: its dependencies, the caller, problems as values, the view context. */
import type { GraphClient } from '../graph/index.ts';
import type { Lang, RuleBook, RuleSet } from '../policy/index.ts';
import { type Database, pages, type Queryable } from '../storage/index.ts';
import type { InboxProblemCode } from './messages.ts';
import { pageFactsOf, type ViewContext } from './views.ts';

/** Port: sequences whose entry label was just added (sequences branch, `src/sequences/enroll.ts`). */
export type EnrollByLabels = (
  db: Queryable,
  input: { workspaceId: string; contactId: string; labels: readonly string[]; now: number },
) => Promise<number>;

export interface InboxDeps {
  readonly database: Database;
  readonly rules: RuleBook;
  readonly now: () => number;
  readonly secretKey: Buffer;
  /** The Graph client of the running workers (thread control); null before they started. */
  readonly graph: () => GraphClient | null;
  /** Tells the outbox worker a reply was enqueued. */
  readonly wake: () => void;
  readonly enrollByLabels?: EnrollByLabels;
}

export interface Actor {
  readonly workspaceId: string;
  readonly userId: string | null;
  readonly lang: Lang;
  /** IANA time zone moments are written in (`?tz=`); default UTC. */
  readonly timeZone?: string;
}

export type Problem = {
  readonly ok: false;
  readonly status: number;
  readonly code: InboxProblemCode;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly extra?: Readonly<Record<string, unknown>>;
};
export type Outcome<T> = ({ readonly ok: true } & T) | Problem;

export const problem = (
  status: number,
  code: InboxProblemCode,
  params?: Readonly<Record<string, string | number>>,
  extra?: Readonly<Record<string, unknown>>,
): Problem => ({ ok: false, status, code, ...(params ? { params } : {}), ...(extra ? { extra } : {}) });

export function ruleSetAt(deps: InboxDeps, at: number): RuleSet {
  const r = deps.rules.at(at);
  if (!r.ok) throw new Error(`no rule set in force at ${new Date(at).toISOString()}: ${r.code}`);
  return r.ruleSet;
}

export async function viewContext(deps: InboxDeps, actor: Actor): Promise<ViewContext> {
  const now = deps.now();
  const list = await pages.listPages(deps.database, actor.workspaceId);
  return {
    rules: ruleSetAt(deps, now),
    now,
    lang: actor.lang,
    ...(actor.timeZone ? { timeZone: actor.timeZone } : {}),
    pages: new Map(list.map((p) => [p.id, pageFactsOf(p)])),
  };
}
