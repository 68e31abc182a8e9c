/**
 * Audience rows as the policy and the filters see them. Pure: the storage layer streams the rows,
 * these functions decide who is in and what the engine knows about them.
 */
import { type Facts, INBOUND_KINDS, type InboundKind } from '../policy/index.ts';
import type { AudienceRow } from '../storage/broadcasts.ts';
import type { Audience, WindowState } from './model.ts';
import type { PersonValues } from './personalize.ts';

const DAY_MS = 86_400_000;
const KNOWN_KINDS: ReadonlySet<string> = new Set(INBOUND_KINDS);
const truthy = (v: number | boolean): boolean => v === true || v === 1;

/** The contact part of the facts, from the audience columns (same mapping as `contactToFacts`). */
export function audienceRowFacts(row: AudienceRow): Facts['contact'] {
  const kind = row.last_inbound_kind;
  const marketingStatus = row.marketing_status as 'active' | 'stopped' | 'expired' | null;
  return {
    lastInboundAt: row.last_inbound_at,
    lastInboundKind: kind !== null && KNOWN_KINDS.has(kind) ? (kind as InboundKind) : null,
    adWindowStartedAt: row.ad_window_started_at,
    country: row.country,
    blocked: row.blocked === 1,
    optedOut: row.opted_out_at !== null,
    marketingSubscription:
      truthy(row.has_marketing) && marketingStatus !== null
        ? {
            status: marketingStatus,
            lastSentAt: row.marketing_last_sent_at,
            expiresAt: row.marketing_token_expires_at,
          }
        : null,
    legacyNotificationToken: truthy(row.has_legacy)
      ? {
          status: row.legacy_token_status === 'stopped' ? 'stopped' : 'active',
          lastSentAt: row.legacy_last_sent_at,
          expiresAt: row.legacy_token_expires_at,
        }
      : null,
    oneTimeToken:
      truthy(row.has_otn) && row.otn_created_at !== null
        ? { createdAt: row.otn_created_at, usedAt: row.otn_used_at }
        : null,
    windowClosedByGraphAt: row.window_closed_by_graph_at,
  };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseLabels(text: string): readonly string[] {
  if (text === '[]') return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

export function personValues(row: AudienceRow, withFields: boolean): PersonValues {
  return {
    firstName: row.first_name,
    lastName: row.last_name,
    fields: withFields && row.fields !== '{}' ? parseObject(row.fields) : null,
  };
}

/** The filters SQL applies (page, last seen); the rest is {@link matchesAudience}. */
export function audienceScanFilters(
  audience: Audience,
  at: number,
): { readonly pageIds?: readonly string[]; readonly seenSince?: number; readonly seenBefore?: number } {
  return {
    ...(audience.pageIds ? { pageIds: audience.pageIds } : {}),
    ...(audience.lastSeenWithinDays !== undefined
      ? { seenSince: at - audience.lastSeenWithinDays * DAY_MS }
      : {}),
    ...(audience.notSeenForDays !== undefined ? { seenBefore: at - audience.notSeenForDays * DAY_MS } : {}),
  };
}

const HUMAN_AGENT_MS = 7 * DAY_MS;

/** open / human_agent / closed, from whether decide() finds the standard window open. */
export function windowStateOf(row: AudienceRow, at: number, open: boolean): WindowState {
  if (open) return 'open';
  const last = row.last_inbound_at;
  return last !== null && at - last <= HUMAN_AGENT_MS && row.window_closed_by_graph_at === null
    ? 'human_agent'
    : 'closed';
}

/**
 * Whether a contact is in the audience. `windowOpen` is asked only when the audience filters on
 * the window (the caller answers with the rule set's own window, from decide()).
 */
export function matchesAudience(
  row: AudienceRow,
  audience: Audience,
  at: number,
  windowOpen: () => boolean,
): boolean {
  if (audience.pageIds && !audience.pageIds.includes(row.page_id)) return false;
  if (
    audience.lastSeenWithinDays !== undefined &&
    row.last_seen_at < at - audience.lastSeenWithinDays * DAY_MS
  )
    return false;
  if (audience.localePrefixes && audience.localePrefixes.length > 0) {
    const locale = (row.locale ?? '').toLowerCase();
    if (!audience.localePrefixes.some((p) => locale.startsWith(p.toLowerCase()))) return false;
  }
  if (audience.entryPoint !== undefined) {
    if (row.first_entry_point !== audience.entryPoint && row.last_entry_point !== audience.entryPoint)
      return false;
  }
  if (audience.marketingSubscription !== undefined) {
    const status = truthy(row.has_marketing) ? (row.marketing_status ?? 'none') : 'none';
    if (status !== audience.marketingSubscription) return false;
  }
  const l = audience.labels;
  if (l && ((l.all?.length ?? 0) > 0 || (l.any?.length ?? 0) > 0 || (l.none?.length ?? 0) > 0)) {
    const labels = parseLabels(row.labels);
    if (l.all && !l.all.every((x) => labels.includes(x))) return false;
    if (l.any && l.any.length > 0 && !l.any.some((x) => labels.includes(x))) return false;
    if (l.none?.some((x) => labels.includes(x))) return false;
  }
  if (audience.fieldEquals && Object.keys(audience.fieldEquals).length > 0) {
    const fields = parseObject(row.fields);
    for (const [name, value] of Object.entries(audience.fieldEquals))
      if (fields[name] !== value) return false;
  }
  if (audience.notSeenForDays !== undefined && row.last_seen_at > at - audience.notSeenForDays * DAY_MS)
    return false;
  if (audience.windowOpen !== undefined && windowOpen() !== audience.windowOpen) return false;
  if (
    audience.windowState !== undefined &&
    !audience.windowState.includes(windowStateOf(row, at, windowOpen()))
  )
    return false;
  return true;
}
