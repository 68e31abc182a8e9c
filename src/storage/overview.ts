/**
 * The overview's figures for one workspace and a time range, per UTC day: inbound messages, sends by
 * route, refusals by reason (each one a Page restriction avoided), opt-ins and opt-outs. Every query
 * walks an index on (workspace or Page, time): see migrations 0001 and 0011.
 */
import { sql } from 'kysely';
import type { Queryable } from './db.ts';

const DAY_MS = 86_400_000;

export interface DayCount {
  /** Days since the epoch (UTC). */
  readonly day: number;
  readonly count: number;
}

export interface OverviewCounts {
  readonly inbound: readonly DayCount[];
  readonly sent: readonly DayCount[];
  readonly refused: readonly DayCount[];
  readonly optIns: readonly DayCount[];
  readonly optOuts: readonly DayCount[];
  readonly byRoute: readonly { readonly route: string; readonly count: number }[];
  readonly refusedByReason: readonly { readonly code: string; readonly count: number }[];
}

const dayOf = (column: string) => sql<number>`${sql.ref(column)} / ${sql.lit(DAY_MS)}`;

function days(rows: readonly { day: unknown; n: unknown }[]): DayCount[] {
  return rows.map((r) => ({ day: Number(r.day), count: Number(r.n) })).sort((a, b) => a.day - b.day);
}

export async function overviewCounts(
  database: Queryable,
  input: { readonly workspaceId: string; readonly from: number; readonly to: number },
): Promise<OverviewCounts> {
  const { workspaceId, from, to } = input;
  const db = database.db;
  const pageIds = (
    await db.selectFrom('pages').select('id').where('workspace_id', '=', workspaceId).execute()
  ).map((p) => p.id);
  const none = pageIds.length === 0;

  const inbound = none
    ? []
    : await db
        .selectFrom('messages')
        .select([dayOf('created_at').as('day'), (eb) => eb.fn.countAll().as('n')])
        .where('page_id', 'in', pageIds)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .where('direction', '=', 'in')
        .groupBy(dayOf('created_at'))
        .execute();

  const audited = await db
    .selectFrom('audit_log')
    .select([dayOf('at').as('day'), 'route', 'allowed', 'graph_status', (eb) => eb.fn.countAll().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .groupBy([dayOf('at'), 'route', 'allowed', 'graph_status'])
    .execute();
  const sentByDay = new Map<number, number>();
  const refusedByDay = new Map<number, number>();
  const byRoute = new Map<string, number>();
  for (const r of audited) {
    const day = Number(r.day);
    const n = Number(r.n);
    if (Number(r.allowed) === 0) refusedByDay.set(day, (refusedByDay.get(day) ?? 0) + n);
    else if (r.graph_status === 'sent') {
      sentByDay.set(day, (sentByDay.get(day) ?? 0) + n);
      const route = r.route ?? 'unknown';
      byRoute.set(route, (byRoute.get(route) ?? 0) + n);
    }
  }

  const reasons = await db
    .selectFrom('audit_reasons')
    .innerJoin('audit_log', 'audit_log.id', 'audit_reasons.audit_id')
    .select(['audit_reasons.code', (eb) => eb.fn.countAll().as('n')])
    .where('audit_log.workspace_id', '=', workspaceId)
    .where('audit_log.allowed', '=', 0)
    .where('audit_reasons.at', '>=', from)
    .where('audit_reasons.at', '<', to)
    .groupBy('audit_reasons.code')
    .execute();

  // Opt-ins: subscription and plugin opt-in events; a "STOP" notification event is an opt-out.
  const optinEvents = none
    ? []
    : await db
        .selectFrom('inbound_log')
        .select([
          dayOf('event_ts').as('day'),
          sql<number>`case when ${sql.ref('payload')} like '%"STOP"%' then 1 else 0 end`.as('stop'),
          (eb) => eb.fn.countAll().as('n'),
        ])
        .where('page_id', 'in', pageIds)
        .where('event_ts', '>=', from)
        .where('event_ts', '<', to)
        .where('kind', '=', 'optin')
        .groupBy([dayOf('event_ts'), sql`case when ${sql.ref('payload')} like '%"STOP"%' then 1 else 0 end`])
        .execute();
  const keywordOptOuts = await db
    .selectFrom('contacts')
    .select([dayOf('opted_out_at').as('day'), (eb) => eb.fn.countAll().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('opted_out_at', '>=', from)
    .where('opted_out_at', '<', to)
    .groupBy(dayOf('opted_out_at'))
    .execute();
  const optOutByDay = new Map<number, number>();
  const optInByDay = new Map<number, number>();
  for (const r of keywordOptOuts) optOutByDay.set(Number(r.day), Number(r.n));
  for (const r of optinEvents) {
    const target = Number(r.stop) === 1 ? optOutByDay : optInByDay;
    target.set(Number(r.day), (target.get(Number(r.day)) ?? 0) + Number(r.n));
  }
  const fromMap = (m: Map<number, number>) =>
    [...m].map(([day, count]) => ({ day, count })).sort((a, b) => a.day - b.day);

  return {
    inbound: days(inbound),
    sent: fromMap(sentByDay),
    refused: fromMap(refusedByDay),
    optIns: fromMap(optInByDay),
    optOuts: fromMap(optOutByDay),
    byRoute: [...byRoute]
      .map(([route, count]) => ({ route, count }))
      .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route)),
    refusedByReason: reasons
      .map((r) => ({ code: r.code, count: Number(r.n) }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
}
