// Graph API error taxonomy (reference §7, §8, §3.3) as data, and a classifier that turns any Graph
// answer into one category and one action for the dispatcher. Pure: headers are passed in.

/** What went wrong, as far as sending is concerned. */
export type GraphFailureCategory =
  | 'transient'
  | 'rate_limited'
  | 'window_closed'
  | 'contact_unreachable'
  | 'contact_blocked'
  | 'token_invalid'
  | 'permission'
  | 'page_restricted'
  | 'invalid_request'
  | 'deprecated_tag'
  | 'thread_owned_elsewhere'
  | 'marketing_frequency'
  | 'unknown';

/** What the dispatcher should do about it. */
export type GraphFailureAction =
  | 'retry'
  | 'retry_later'
  | 'close_window'
  | 'mark_unreachable'
  | 'mark_blocked'
  | 'pause_page'
  | 'stop_page'
  | 'drop'
  | 'fix_request'
  | 'pass_thread_control'
  | 'reschedule';

/** A classified Graph failure. `retryAfterMs` is set for `retry_later` and `reschedule` when known. */
export interface GraphFailure {
  readonly category: GraphFailureCategory;
  readonly action: GraphFailureAction;
  readonly retryAfterMs?: number;
  readonly code?: number;
  readonly subcode?: number;
  readonly message: string;
  readonly fbtraceId?: string;
  readonly isTransient?: boolean;
  readonly httpStatus: number;
  /** Id of the taxonomy row that matched, e.g. `10/2018278`; absent when classified by HTTP status. */
  readonly rule?: string;
}

/** How a row matches: a code (or any), a subcode (a number, any, or none), and/or message words. */
export interface GraphErrorRule {
  readonly id: string;
  readonly code: number | 'any';
  /** `'any'`: whatever the subcode; `'none'`: only when there is no subcode. */
  readonly subcode: number | 'any' | 'none';
  /** Case-insensitive words of which all must appear in the error texts (message, user message, data). */
  readonly textAll?: readonly string[];
  readonly category: GraphFailureCategory;
  readonly action: GraphFailureAction;
  /** Fixed wait for `retry_later` / `reschedule` rows. */
  readonly retryAfterMs?: number;
  /** Meta's meaning, as documented. */
  readonly meaning: string;
}

const HOUR = 3_600_000;

function row(
  id: string,
  code: number | 'any',
  subcode: number | 'any' | 'none',
  category: GraphFailureCategory,
  action: GraphFailureAction,
  meaning: string,
  extra: { readonly textAll?: readonly string[]; readonly retryAfterMs?: number } = {},
): GraphErrorRule {
  return { id, code, subcode, category, action, meaning, ...extra };
}

/** The same meaning whether Meta puts the number in `code` or in `error_subcode` (undocumented for these). */
function either(
  n: number,
  category: GraphFailureCategory,
  action: GraphFailureAction,
  meaning: string,
  retryAfterMs?: number,
): GraphErrorRule[] {
  const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
  return [
    row(`${n}`, n, 'any', category, action, meaning, extra),
    row(`*/${n}`, 'any', n, category, action, meaning, extra),
  ];
}

const MARKETING_BUDGET_SUBCODES: readonly number[] = Array.from({ length: 12 }, (_, i) => 2300068 + i);
const MARKETING_SETUP_CODES: readonly number[] = [
  2300000, 2300001, 2300018, 2300027, 2300064, 2300065, 2300066, 2300067,
];

/**
 * The taxonomy, most specific first within each tier (see {@link classifyGraphError} for the order).
 * Sources: reference §8 (Send API errors), §7 (throttling codes), §3.3 (Marketing Message API).
 */
export const GRAPH_ERROR_RULES: readonly GraphErrorRule[] = Object.freeze([
  // Text rules: Meta reports these through message text rather than distinct codes.
  row(
    '100/deprecated-tag',
    100,
    'any',
    'deprecated_tag',
    'fix_request',
    'Deprecated message tag (since 2026-04-27)',
    { textAll: ['deprecated', 'tag'] },
  ),
  row(
    '100/tag-no-longer-allowed',
    100,
    'any',
    'deprecated_tag',
    'fix_request',
    'Message tag no longer allowed',
    { textAll: ['tag', 'no longer allowed'] },
  ),
  row(
    'mm/weekly-cap',
    'any',
    'any',
    'marketing_frequency',
    'reschedule',
    'Weekly marketing-to-organic ratio cap',
    { textAll: ['WEEKLY_MM_LOAD_CAP_REACHED'], retryAfterMs: 24 * HOUR },
  ),
  row(
    'mm/daily-cap',
    'any',
    'any',
    'marketing_frequency',
    'reschedule',
    'Daily marketing-to-organic ratio cap',
    { textAll: ['DAILY_MM_LOAD_CAP_REACHED'], retryAfterMs: 24 * HOUR },
  ),
  row(
    'mm/min-organic',
    'any',
    'any',
    'marketing_frequency',
    'reschedule',
    'Too few organic threads between marketing messages',
    { textAll: ['MIN_ORGANIC_THREAD_NOT_REACHED'], retryAfterMs: 24 * HOUR },
  ),

  // Code + subcode.
  row(
    '10/2018278',
    10,
    2018278,
    'window_closed',
    'close_window',
    'Message sent outside of allowed window (Messenger)',
  ),
  row('10/2534022', 10, 2534022, 'window_closed', 'close_window', 'Outside the allowed window (Instagram)'),
  row(
    '10/2018065',
    10,
    2018065,
    'window_closed',
    'close_window',
    'Outside the window; News Messaging permission required',
  ),
  row(
    '10/2018108',
    10,
    2018108,
    'contact_unreachable',
    'mark_unreachable',
    "They can't receive your messages right now",
  ),
  row(
    '10/1893063',
    10,
    1893063,
    'page_restricted',
    'stop_page',
    'Page temporarily restricted from sending messages',
  ),
  row(
    '10/1404170',
    10,
    1404170,
    'page_restricted',
    'drop',
    'Page restricted from Marketing-Message opt-in requests',
  ),
  row(
    '10/1893015',
    10,
    1893015,
    'contact_unreachable',
    'mark_unreachable',
    'User stopped notification messages for this topic',
  ),
  row(
    '10/2018336',
    10,
    2018336,
    'contact_unreachable',
    'drop',
    'User-thread impact (check the User-Level Menu API)',
  ),
  row('100/1893061', 100, 1893061, 'deprecated_tag', 'fix_request', 'Seen with deprecated-tag sends'),
  row('100/2018001', 100, 2018001, 'contact_unreachable', 'mark_unreachable', 'No matching user found'),
  row(
    '100/2534014',
    100,
    2534014,
    'contact_unreachable',
    'mark_unreachable',
    'No matching user found (Instagram)',
  ),
  row(
    '100/2534037',
    100,
    2534037,
    'thread_owned_elsewhere',
    'pass_thread_control',
    'Not the thread owner (Instagram)',
  ),
  row(
    '100/2018008',
    100,
    2018008,
    'invalid_request',
    'fix_request',
    'Failed to fetch the file from the URL; re-upload it',
  ),
  row(
    '200/1545041',
    200,
    1545041,
    'contact_unreachable',
    'mark_unreachable',
    "This person isn't available right now",
  ),
  row(
    '551/1545041',
    551,
    1545041,
    'contact_unreachable',
    'mark_unreachable',
    "This person isn't available right now",
  ),
  row('200/2018021', 200, 2018021, 'permission', 'fix_request', 'Phone matching fee not accepted'),
  row('200/2018027', 200, 2018027, 'permission', 'fix_request', 'Phone matching permission not reviewed'),
  row('200/2018028', 200, 2018028, 'permission', 'fix_request', 'Phone matching permission not reviewed'),
  row(
    '613/2018338',
    613,
    2018338,
    'rate_limited',
    'drop',
    'Bothersome tagged sends to this person: stop tagged sends to them',
  ),
  row('613/2534040', 613, 2534040, 'rate_limited', 'retry_later', 'Messenger rate limit'),
  row(
    '613/1893016',
    613,
    1893016,
    'marketing_frequency',
    'reschedule',
    'Multiple opt-in requests on the same topic',
    { retryAfterMs: 7 * 24 * HOUR },
  ),
  row('613/1996', 613, 1996, 'rate_limited', 'retry_later', 'Inconsistent request volume'),
  row(
    '4/2018354',
    4,
    2018354,
    'marketing_frequency',
    'reschedule',
    'Marketing message sent before the allowed frequency',
  ),
  row('4/2018022', 4, 2018022, 'rate_limited', 'retry_later', 'Too many send requests to phone numbers'),
  row('9/2018352', 9, 2018352, 'marketing_frequency', 'reschedule', 'Opt-in request limit exceeded', {
    retryAfterMs: 24 * HOUR,
  }),

  // Numbers whose position (code or subcode) is not documented.
  ...either(2018300, 'thread_owned_elsewhere', 'pass_thread_control', 'Another app controls this thread'),
  ...either(2018321, 'transient', 'retry_later', 'Chat controlled by Messenger during automated Q&A', 60_000),
  ...either(
    2300052,
    'contact_unreachable',
    'drop',
    'Recipient unavailable (organic activity inside the gap): skip',
  ),
  ...either(1893047, 'contact_unreachable', 'drop', 'RECIPIENT_NOT_AVAILABLE: skip'),
  ...either(2300028, 'transient', 'retry_later', 'Pacing info not ready: retry after 1 h', HOUR),
  ...either(2300080, 'rate_limited', 'retry_later', 'Subscription-token list rate limit', HOUR),
  ...MARKETING_BUDGET_SUBCODES.flatMap((n) =>
    either(n, 'marketing_frequency', 'reschedule', 'Campaign budget or pacing limit'),
  ),
  ...MARKETING_SETUP_CODES.flatMap((n) =>
    either(n, 'invalid_request', 'fix_request', 'Marketing campaign setup problem'),
  ),
  ...either(9000001, 'invalid_request', 'drop', 'Message deleted'),

  // Code only.
  row(
    '190',
    190,
    'any',
    'token_invalid',
    'pause_page',
    'Access token invalid or expired (458/459/460/463/464/467/492)',
  ),
  row('102', 102, 'any', 'token_invalid', 'pause_page', 'Session key invalid'),
  row(
    '551',
    551,
    'any',
    'contact_blocked',
    'mark_blocked',
    "This person isn't receiving messages from you right now",
  ),
  row('368', 368, 'any', 'page_restricted', 'stop_page', 'Temporarily blocked for policy violations'),
  row('2022', 2022, 'any', 'page_restricted', 'stop_page', 'Sending temporarily disabled after reports'),
  row(
    '200',
    200,
    'any',
    'permission',
    'pause_page',
    'Permission missing (pages_messaging not approved or app not live)',
  ),
  row('10', 10, 'any', 'permission', 'pause_page', 'Permission denied'),
  row('4', 4, 'any', 'rate_limited', 'retry_later', 'Application request limit'),
  row('17', 17, 'any', 'rate_limited', 'retry_later', 'User request limit'),
  row('32', 32, 'any', 'rate_limited', 'retry_later', 'Page request limit (user token)'),
  row('613', 613, 'any', 'rate_limited', 'retry_later', 'Custom rate limit'),
  row('80001', 80001, 'any', 'rate_limited', 'retry_later', 'Pages BUC rate limit'),
  row('80002', 80002, 'any', 'rate_limited', 'retry_later', 'Instagram BUC rate limit'),
  row('80006', 80006, 'any', 'rate_limited', 'retry_later', 'Messenger BUC rate limit'),
  row('341', 341, 'any', 'rate_limited', 'retry_later', 'Application limit reached'),
  row('1', 1, 'any', 'transient', 'retry', 'Unknown error (retry once, then check permissions)'),
  row('2', 2, 'any', 'transient', 'retry', 'Unexpected error, retry later'),
  row('1200', 1200, 'any', 'transient', 'retry', 'Temporary send message failure'),
  row('100', 100, 'any', 'invalid_request', 'fix_request', 'Invalid parameter'),
] satisfies GraphErrorRule[]);

/** Options for {@link classifyGraphError}. */
export interface ClassifyOptions {
  /** Wait for rate limits when no header tells; default 60 000 ms. */
  readonly defaultRateLimitRetryMs?: number;
}

/** Header maps as Node, undici or a test hand them over (any name case). */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

interface GraphErrorBody {
  readonly message: string;
  readonly code?: number;
  readonly subcode?: number;
  readonly fbtraceId?: string;
  readonly isTransient?: boolean;
  readonly texts: string;
  readonly remainingSeconds?: number;
}

function readErrorBody(body: unknown): GraphErrorBody | null {
  let value = body;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null) return null;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  const int = (v: unknown): number | undefined => {
    const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
  };
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const data = e.error_data;
  let dataText = '';
  let remainingSeconds: number | undefined;
  if (typeof data === 'string') dataText = data;
  else if (typeof data === 'object' && data !== null) {
    try {
      dataText = JSON.stringify(data);
    } catch {
      dataText = '';
    }
    const r = (data as Record<string, unknown>).remaining_seconds;
    remainingSeconds = typeof r === 'number' && r >= 0 ? r : int(r);
  }
  const message = s(e.message) ?? '';
  const texts = [message, s(e.error_user_title), s(e.error_user_msg), s(e.type), dataText]
    .filter((t) => t !== undefined && t !== '')
    .join('\n')
    .toLowerCase();
  const result: { -readonly [K in keyof GraphErrorBody]: GraphErrorBody[K] } = { message, texts };
  const code = int(e.code);
  const subcode = int(e.error_subcode);
  const trace = s(e.fbtrace_id);
  if (code !== undefined) result.code = code;
  if (subcode !== undefined) result.subcode = subcode;
  if (trace !== undefined) result.fbtraceId = trace;
  if (typeof e.is_transient === 'boolean') result.isTransient = e.is_transient;
  if (remainingSeconds !== undefined) result.remainingSeconds = remainingSeconds;
  return result;
}

function matches(rule: GraphErrorRule, err: GraphErrorBody): boolean {
  if (rule.code !== 'any' && rule.code !== err.code) return false;
  if (rule.subcode === 'none' && err.subcode !== undefined) return false;
  if (typeof rule.subcode === 'number' && rule.subcode !== err.subcode) return false;
  if (rule.textAll !== undefined) {
    for (const word of rule.textAll) if (!err.texts.includes(word.toLowerCase())) return false;
  }
  return true;
}

// Tiers: text rules, then code+subcode, then subcode-only, then code-only. Within the table the
// rows are already grouped this way; the tier sort keeps it true if rows are added out of place.
function tier(rule: GraphErrorRule): number {
  if (rule.textAll !== undefined) return 0;
  if (rule.code !== 'any' && typeof rule.subcode === 'number') return 1;
  if (typeof rule.subcode === 'number') return 2;
  return 3;
}
const ORDERED_RULES: readonly GraphErrorRule[] = [...GRAPH_ERROR_RULES].sort((a, b) => tier(a) - tier(b));

function header(headers: HeaderMap | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const v = headers[key];
    return typeof v === 'string' ? v : v?.[0];
  }
  return undefined;
}

/** One `X-Business-Use-Case-Usage` entry, per business id and usage type. */
export interface BusinessUseCaseEntry {
  readonly businessId: string;
  readonly type: string;
  readonly callCount: number;
  readonly totalCputime: number;
  readonly totalTime: number;
  readonly estimatedTimeToRegainAccessMinutes: number;
}

/** Summary of an `X-Business-Use-Case-Usage` header. */
export interface BusinessUseCaseUsage {
  /** Highest of call_count / total_cputime / total_time over all entries, in percent (may exceed 100). */
  readonly maxUsagePercent: number;
  /** Longest `estimated_time_to_regain_access` over all entries, in ms (0 when not throttled). */
  readonly regainAccessMs: number;
  readonly entries: readonly BusinessUseCaseEntry[];
}

function finiteNumber(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0;
}

/**
 * Parses `X-Business-Use-Case-Usage` (a JSON object keyed by business id, each an array of
 * `{type, call_count, total_cputime, total_time, estimated_time_to_regain_access}`) so a rate
 * limiter can slow down before 100 %. Returns null when the header is absent or unreadable.
 *
 * @example parseBusinessUseCaseUsage('{"123":[{"type":"messenger","call_count":95,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":0}]}')
 * // { maxUsagePercent: 95, regainAccessMs: 0, entries: [...] }
 */
export function parseBusinessUseCaseUsage(
  value: string | readonly string[] | undefined | null,
): BusinessUseCaseUsage | null {
  const text = typeof value === 'string' ? value : value?.[0];
  if (text === undefined || text === '') return null;
  const known = usageByText.get(text);
  if (known !== undefined) return known;
  const usage = parseUsageText(text);
  // Bounded: usage moves by whole percents, so a thousand texts cover many Pages at every level.
  if (usageByText.size >= 1024) usageByText.clear();
  usageByText.set(text, usage);
  return usage;
}

/**
 * Meta sends the header on every answer and its text repeats (one per Page and usage level):
 * each distinct text is parsed once. The values are frozen because callers share them.
 */
const usageByText = new Map<string, BusinessUseCaseUsage | null>();

function parseUsageText(text: string): BusinessUseCaseUsage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const entries: BusinessUseCaseEntry[] = [];
  let maxUsagePercent = 0;
  let regainMinutes = 0;
  for (const [businessId, list] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const i = item as Record<string, unknown>;
      const entry: BusinessUseCaseEntry = {
        businessId,
        type: typeof i.type === 'string' ? i.type : '',
        callCount: finiteNumber(i.call_count),
        totalCputime: finiteNumber(i.total_cputime),
        totalTime: finiteNumber(i.total_time),
        estimatedTimeToRegainAccessMinutes: finiteNumber(i.estimated_time_to_regain_access),
      };
      entries.push(entry);
      maxUsagePercent = Math.max(maxUsagePercent, entry.callCount, entry.totalCputime, entry.totalTime);
      regainMinutes = Math.max(regainMinutes, entry.estimatedTimeToRegainAccessMinutes);
    }
  }
  return Object.freeze({
    maxUsagePercent,
    regainAccessMs: regainMinutes * 60_000,
    entries: Object.freeze(entries.map((e) => Object.freeze(e))),
  });
}

function retryAfterHeaderMs(headers: HeaderMap | undefined): number | undefined {
  const v = header(headers, 'retry-after');
  if (v === undefined || !/^\d{1,7}$/.test(v.trim())) return undefined;
  return Number(v.trim()) * 1000;
}

function rateLimitWait(headers: HeaderMap | undefined, fallback: number): number {
  const usage = parseBusinessUseCaseUsage(header(headers, 'x-business-use-case-usage'));
  if (usage !== null && usage.regainAccessMs > 0) return usage.regainAccessMs;
  return retryAfterHeaderMs(headers) ?? fallback;
}

function byStatus(status: number): { category: GraphFailureCategory; action: GraphFailureAction } {
  if (status === 429) return { category: 'rate_limited', action: 'retry_later' };
  if (status >= 500 || status === 0 || status === 408) return { category: 'transient', action: 'retry' };
  if (status === 401) return { category: 'token_invalid', action: 'pause_page' };
  if (status === 403) return { category: 'permission', action: 'pause_page' };
  if (status >= 400) return { category: 'invalid_request', action: 'fix_request' };
  return { category: 'unknown', action: 'drop' };
}

/**
 * Classifies a failed Graph call (`{error: {message, type, code, error_subcode, fbtrace_id,
 * is_transient, error_data}}`, as an object, JSON string or bytes) into a category and an action.
 * Order: message-text rules (deprecated tags, marketing caps), then code+subcode rows, then
 * subcode-only rows, then code-only rows; with no row, `is_transient` or a 5xx status means
 * `transient`, otherwise the HTTP status decides. Rate limits get `retryAfterMs` from
 * `X-Business-Use-Case-Usage` (`estimated_time_to_regain_access`, minutes), then `Retry-After`,
 * then `defaultRateLimitRetryMs`. Marketing budget errors use `error_data.remaining_seconds`.
 *
 * @example classifyGraphError(400, { error: { code: 10, error_subcode: 2018278, message: '…' } })
 * // { category: 'window_closed', action: 'close_window', code: 10, subcode: 2018278, … }
 */
export function classifyGraphError(
  httpStatus: number,
  body: unknown,
  headers?: HeaderMap,
  { defaultRateLimitRetryMs = 60_000 }: ClassifyOptions = {},
): GraphFailure {
  const err = readErrorBody(body);
  const rule = err === null ? undefined : ORDERED_RULES.find((r) => matches(r, err));
  let category: GraphFailureCategory;
  let action: GraphFailureAction;
  if (rule !== undefined) {
    category = rule.category;
    action = rule.action;
  } else if (err?.isTransient === true || httpStatus >= 500) {
    category = 'transient';
    action = 'retry';
  } else {
    ({ category, action } = byStatus(httpStatus));
  }

  let retryAfterMs: number | undefined;
  if (category === 'rate_limited' && action === 'retry_later') {
    retryAfterMs = rateLimitWait(headers, rule?.retryAfterMs ?? defaultRateLimitRetryMs);
  } else if (err?.remainingSeconds !== undefined && (action === 'reschedule' || action === 'retry_later')) {
    retryAfterMs = err.remainingSeconds * 1000;
  } else if (rule?.retryAfterMs !== undefined) {
    retryAfterMs = rule.retryAfterMs;
  } else if (action === 'retry_later' || action === 'retry') {
    retryAfterMs = retryAfterHeaderMs(headers);
  }

  const fallbackMessage = err === null ? `HTTP ${httpStatus}` : `Graph error ${err.code ?? '?'}`;
  const failure: { -readonly [K in keyof GraphFailure]: GraphFailure[K] } = {
    category,
    action,
    message: err?.message !== undefined && err.message !== '' ? err.message : fallbackMessage,
    httpStatus,
  };
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  if (err?.code !== undefined) failure.code = err.code;
  if (err?.subcode !== undefined) failure.subcode = err.subcode;
  if (err?.fbtraceId !== undefined) failure.fbtraceId = err.fbtraceId;
  if (err?.isTransient !== undefined) failure.isTransient = err.isTransient;
  if (rule !== undefined) failure.rule = rule.id;
  return failure;
}
