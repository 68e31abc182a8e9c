/** The overview's figures for a workspace and a time range (per UTC day). */
import { inbox } from '../storage/index.ts';
import { overviewCounts } from '../storage/overview.ts';
import { type Actor, type InboxDeps, viewContext } from './deps.ts';
import { windowThresholds } from './window-filter.ts';

const DAY_MS = 86_400_000;

export async function overview(deps: InboxDeps, actor: Actor, range: { from: number; to: number }) {
  const ctx = await viewContext(deps, actor);
  const humanAgentPages = [...ctx.pages].filter(([, f]) => f.humanAgent).map(([id]) => id);
  const counts = await overviewCounts(deps.database, { workspaceId: actor.workspaceId, ...range });
  const contactsTotal = await inbox.countMatchingContacts(deps.database, { workspaceId: actor.workspaceId });
  const windowsOpen = await inbox.countMatchingContacts(deps.database, {
    workspaceId: actor.workspaceId,
    window: windowThresholds('open', ctx.rules, ctx.now, humanAgentPages),
  });
  const days = new Map<
    number,
    { inbound: number; sent: number; refused: number; optIns: number; optOuts: number }
  >();
  for (let d = Math.floor(range.from / DAY_MS); d <= Math.floor((range.to - 1) / DAY_MS); d++)
    days.set(d, { inbound: 0, sent: 0, refused: 0, optIns: 0, optOuts: 0 });
  const add =
    (key: 'inbound' | 'sent' | 'refused' | 'optIns' | 'optOuts') => (x: { day: number; count: number }) => {
      const row = days.get(x.day);
      if (row) row[key] += x.count;
    };
  counts.inbound.forEach(add('inbound'));
  counts.sent.forEach(add('sent'));
  counts.refused.forEach(add('refused'));
  counts.optIns.forEach(add('optIns'));
  counts.optOuts.forEach(add('optOuts'));
  const byDay = [...days].map(([d, v]) => ({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), ...v }));
  const sum = (k: 'sent' | 'refused' | 'optIns' | 'optOuts') => byDay.reduce((n, d) => n + d[k], 0);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    totals: {
      contacts: contactsTotal,
      windowsOpen,
      optIns: sum('optIns'),
      optOuts: sum('optOuts'),
      refused: sum('refused'),
      sent: sum('sent'),
    },
    byDay,
    byRoute: counts.byRoute,
    refusedByReason: counts.refusedByReason,
  };
}
