// The Graph API client: the subset of Meta's Graph API Ventana calls (Send API, Marketing Message
// API, Messenger Profile, subscribed_apps, Conversation Routing, utility templates, Page and user
// lookups), over one shared undici Agent. Every call returns a GraphResult value; failures are
// classified by the shared taxonomy in `src/messenger/graph-errors.ts`.

import { Agent, type Dispatcher } from 'undici';
import {
  type BusinessUseCaseUsage,
  classifyGraphError,
  type GraphFailure,
  parseBusinessUseCaseUsage,
} from '../messenger/graph-errors.ts';
import {
  buildSenderAction,
  type MarketingMessageBody,
  type SenderAction,
  type SendRecipient,
  type SendRequestBody,
} from '../messenger/send-request.ts';
import { type InCallRetryOptions, retryInCall } from './backoff.ts';
import { type BatchEntry, createSendBatcher, formEncodeBody } from './batch-sends.ts';
import type { GraphError, GraphOutcome, GraphResult } from './result.ts';

/** Send API answer. No `recipient_id` when the recipient was a `user_ref` (reference §1.1). */
export interface SendMessageResponse {
  readonly recipient_id?: string;
  readonly message_id?: string;
}

/** Marketing Message API answer (reference §3.3). */
export interface MarketingMessageResponse {
  readonly success: boolean;
  readonly marketing_message_tracking_id?: string;
}

/** A user profile (`GET /{psid}?fields=…`): the requested fields, as Meta returns them. */
export interface UserProfile {
  readonly id?: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly name?: string;
  readonly profile_pic?: string;
  readonly locale?: string;
  readonly timezone?: number;
  readonly [field: string]: unknown;
}

/** Messenger Profile fields (reference §5.5); values are passed through as Meta defines them. */
export interface MessengerProfile {
  readonly get_started?: { readonly payload: string };
  readonly greeting?: readonly { readonly locale: string; readonly text: string }[];
  readonly ice_breakers?: readonly unknown[];
  readonly persistent_menu?: readonly unknown[];
  readonly whitelisted_domains?: readonly string[];
  readonly account_linking_url?: string;
  readonly commands?: readonly unknown[];
}

/** A Messenger Profile field name. */
export type MessengerProfileField = keyof MessengerProfile;

/** `{"success": true}` answers (subscribed_apps, thread control). */
export interface SuccessResponse {
  readonly success: boolean;
}

/** `{"result": "success"}` answers (Messenger Profile writes). */
export interface ProfileWriteResponse {
  readonly result: string;
}

/** Who controls a thread (Conversation Routing); `appId` null when Meta names no owner (idle). */
export interface ThreadOwner {
  readonly appId: string | null;
  /** Epoch seconds or ISO text, as Meta sends it, when present. */
  readonly expiration?: string | number;
}

/** A utility template to create (reference §3.4): Page-owned `components` or a library clone. */
export interface MessageTemplateInput {
  readonly name: string;
  readonly category: 'UTILITY';
  readonly language: string;
  readonly components?: readonly unknown[];
  readonly parameter_format?: 'POSITIONAL' | 'NAMED';
  readonly library_template_name?: string;
  readonly library_template_body_inputs?: unknown;
  readonly library_template_button_inputs?: unknown;
}

/** A created template. */
export interface MessageTemplateCreated {
  readonly id: string;
  readonly status?: string;
  readonly category?: string;
}

/** A template as listed. */
export interface MessageTemplateInfo {
  readonly id: string;
  readonly name: string;
  readonly language?: string;
  readonly category?: string;
  readonly status?: string;
  readonly rejected_reason?: string;
  readonly components?: unknown;
}

/** `POST act_<id>/message_campaign` (Marketing Message API, reference §3.3). */
export interface MessageCampaignInput {
  readonly name: string;
  readonly page_id: string;
  /** Cents; weekly cap 7×. */
  readonly daily_budget?: number;
}

/** A utility template of Meta's library (`GET /message_template_library`). */
export interface LibraryTemplateInfo {
  readonly name: string;
  readonly language: string;
  readonly category?: string;
  readonly topic?: string;
  readonly body?: string;
  readonly body_params?: readonly string[];
}

/** `GET /{page-id}?fields=id,name`: proves the token works for this Page. */
export interface PageInfo {
  readonly id: string;
  readonly name?: string;
}

/** One app subscribed to a Page's webhooks (`GET /{page-id}/subscribed_apps`). */
export interface SubscribedApp {
  readonly id: string;
  readonly name?: string;
  readonly subscribedFields: readonly string[];
}

/** What `GET /debug_token` says about an access token. */
export interface TokenInfo {
  readonly isValid: boolean;
  readonly scopes: readonly string[];
  readonly profileId?: string;
  readonly expiresAt?: number;
  readonly errorMessage?: string;
}

/** The Graph calls Ventana makes: the port the rest of the app depends on. */
export interface GraphClient {
  /** `POST /{page-id}/messages` with a body from `buildSendRequest`. */
  sendMessage(
    pageId: string,
    accessToken: string,
    body: SendRequestBody,
  ): Promise<GraphResult<SendMessageResponse>>;
  /** `POST /act_{ad-account-id}/messages` with a system-user token (the `act_` prefix is optional). */
  sendMarketingMessage(
    adAccountId: string,
    systemToken: string,
    body: MarketingMessageBody,
  ): Promise<GraphResult<MarketingMessageResponse>>;
  /** `typing_on` / `typing_off` / `mark_seen`, always as its own request. */
  senderAction(
    pageId: string,
    accessToken: string,
    recipient: SendRecipient,
    action: SenderAction,
  ): Promise<GraphResult<SendMessageResponse>>;
  getUserProfile(
    psid: string,
    accessToken: string,
    fields?: readonly string[],
  ): Promise<GraphResult<UserProfile>>;
  setMessengerProfile(
    pageId: string,
    accessToken: string,
    profile: MessengerProfile,
  ): Promise<GraphResult<ProfileWriteResponse>>;
  /** The requested fields that are set (unset fields are absent). */
  getMessengerProfile(
    pageId: string,
    accessToken: string,
    fields: readonly MessengerProfileField[],
  ): Promise<GraphResult<MessengerProfile>>;
  deleteMessengerProfileFields(
    pageId: string,
    accessToken: string,
    fields: readonly MessengerProfileField[],
  ): Promise<GraphResult<ProfileWriteResponse>>;
  /** `POST /{page-id}/subscribed_apps?subscribed_fields=…` (reference §6.1). */
  subscribeApp(
    pageId: string,
    accessToken: string,
    fields: readonly string[],
  ): Promise<GraphResult<SuccessResponse>>;
  passThreadControl(
    pageId: string,
    accessToken: string,
    psid: string,
    targetAppId: string,
    metadata?: string,
  ): Promise<GraphResult<SuccessResponse>>;
  takeThreadControl(
    pageId: string,
    accessToken: string,
    psid: string,
    metadata?: string,
  ): Promise<GraphResult<SuccessResponse>>;
  releaseThreadControl(
    pageId: string,
    accessToken: string,
    psid: string,
    metadata?: string,
  ): Promise<GraphResult<SuccessResponse>>;
  getThreadOwner(pageId: string, accessToken: string, psid: string): Promise<GraphResult<ThreadOwner>>;
  createMessageTemplate(
    pageId: string,
    accessToken: string,
    template: MessageTemplateInput,
  ): Promise<GraphResult<MessageTemplateCreated>>;
  listMessageTemplates(
    pageId: string,
    accessToken: string,
    filter?: { readonly name?: string },
  ): Promise<GraphResult<readonly MessageTemplateInfo[]>>;
  /** `DELETE /{page-id}/message_templates?name=…` (every language of that name). */
  deleteMessageTemplate(
    pageId: string,
    accessToken: string,
    name: string,
  ): Promise<GraphResult<SuccessResponse>>;
  /** `GET /message_template_library?name_or_content=…&language=…`. */
  searchTemplateLibrary(
    accessToken: string,
    query: { readonly nameOrContent?: string; readonly language?: string },
  ): Promise<GraphResult<readonly LibraryTemplateInfo[]>>;
  /** `POST /act_{ad-account-id}/message_campaign`: the campaign a marketing message belongs to. */
  createMessageCampaign(
    adAccountId: string,
    accessToken: string,
    campaign: MessageCampaignInput,
  ): Promise<GraphResult<{ readonly id: string }>>;
  /** `GET /{page-id}?fields=id,name`. */
  debugPage(pageId: string, accessToken: string): Promise<GraphResult<PageInfo>>;
  /** `GET /{page-id}/subscribed_apps`: which apps receive the Page's webhooks, with their fields. */
  getSubscribedApps(pageId: string, accessToken: string): Promise<GraphResult<readonly SubscribedApp[]>>;
  /** `GET /debug_token?input_token=…` inspected with the token itself: validity and granted scopes. */
  debugToken(accessToken: string): Promise<GraphResult<TokenInfo>>;
  /** Closes the client's own connection pool (not an injected dispatcher). */
  close(): Promise<void>;
}

/** Options for {@link createGraphClient}. */
export interface GraphClientOptions {
  /** Graph origin, e.g. `https://graph.facebook.com` or the simulator's URL. */
  readonly baseUrl: string;
  /** Graph version, e.g. `v26.0`. */
  readonly version: string;
  /** Connection cap of the shared Agent. Default 64. */
  readonly connections?: number;
  /** Wait for response headers, and then between body chunks, in ms. Default 15 000. */
  readonly timeoutMs?: number;
  /** HTTP/1.1 pipelining depth. Default 1 (none: a reset then loses one request, not several). */
  readonly pipelining?: number;
  /** Use this dispatcher (e.g. undici's MockAgent) instead of creating an Agent. */
  readonly dispatcher?: Dispatcher;
  /** In-call retries of transient failures that cannot duplicate an effect. Default: 2 retries. */
  readonly retry?: InCallRetryOptions;
  /**
   * Send API calls made in the same event-loop turn for the same token travel as Graph batch
   * requests of up to this many (at most 50). Default 0: one request per call. Meta documents batch
   * requests for the Graph API but not specifically for the Send API (see src/graph/batch-sends.ts).
   */
  readonly batchSends?: number;
}

type Method = 'GET' | 'POST' | 'DELETE';

interface CallSpec<T> {
  readonly method: Method;
  /** Path below the version, already encoded. */
  readonly path: string;
  readonly token: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Turns a parsed JSON object into the result data. Default: the object itself. */
  readonly map?: (raw: Readonly<Record<string, unknown>>) => T;
}

// Errors raised before any byte of the request could reach Meta: retrying cannot duplicate a send.
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || depth > 3) return;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    visit((e as { cause?: unknown }).cause, depth + 1);
    // Happy-eyeballs connects fail with an AggregateError of the per-address errors.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
  };
  visit(err, 0);
  return codes;
}

function notSent(codes: readonly string[]): boolean {
  if (codes.length === 0) return false;
  // TLS and certificate failures happen during the handshake, before the request is written.
  return codes.every((c) => NOT_SENT_CODES.has(c) || c.startsWith('ERR_TLS_') || c.includes('CERT'));
}

/** Removes the access token (and any `access_token=` parameter) from text that may reach logs. */
export function redactToken(text: string, token: string): string {
  let out = token.length >= 4 ? text.split(token).join('[redacted]') : text;
  out = out.replace(/access_token=[^&\s"']+/g, 'access_token=[redacted]');
  return out.replace(/(Bearer|OAuth)\s+[A-Za-z0-9._|-]{8,}/g, '$1 [redacted]');
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function threadOwnerOf(raw: Readonly<Record<string, unknown>>): ThreadOwner {
  // Meta documents `{thread_owner: {...}}`; the live API answers `{data: [{thread_owner: {...}}]}`.
  const list = Array.isArray(raw.data) ? raw.data : [raw];
  for (const item of list) {
    const owner = isRecord(item) ? item.thread_owner : undefined;
    if (!isRecord(owner)) continue;
    const appId = owner.app_id;
    const exp = owner.expiration;
    return {
      appId: typeof appId === 'string' || typeof appId === 'number' ? String(appId) : null,
      ...(typeof exp === 'string' || typeof exp === 'number' ? { expiration: exp } : {}),
    };
  }
  return { appId: null };
}

function subscribedAppsOf(raw: Readonly<Record<string, unknown>>): readonly SubscribedApp[] {
  if (!Array.isArray(raw.data)) return [];
  return raw.data.filter(isRecord).map((a) => ({
    id: String(a.id ?? ''),
    ...(typeof a.name === 'string' ? { name: a.name } : {}),
    subscribedFields: Array.isArray(a.subscribed_fields) ? a.subscribed_fields.map(String) : [],
  }));
}

function tokenInfoOf(raw: Readonly<Record<string, unknown>>): TokenInfo {
  const d = isRecord(raw.data) ? raw.data : {};
  const err = isRecord(d.error) ? d.error : undefined;
  return {
    isValid: d.is_valid === true,
    scopes: Array.isArray(d.scopes) ? d.scopes.map(String) : [],
    ...(typeof d.profile_id === 'string' ? { profileId: d.profile_id } : {}),
    ...(typeof d.expires_at === 'number' && d.expires_at > 0 ? { expiresAt: d.expires_at * 1000 } : {}),
    ...(err && typeof err.message === 'string' ? { errorMessage: err.message } : {}),
  };
}

function templatesOf(raw: Readonly<Record<string, unknown>>): readonly MessageTemplateInfo[] {
  if (!Array.isArray(raw.data)) return [];
  // Keep only entries that have the two fields every caller relies on.
  return raw.data.filter(
    (t): t is MessageTemplateInfo => isRecord(t) && typeof t.id === 'string' && typeof t.name === 'string',
  );
}

/**
 * Creates the Graph client. URLs are `${baseUrl}/${version}/…`; the access token travels in the
 * `Authorization: Bearer` header only (never in a URL, so no URL in a log or error holds it), and
 * is redacted from every failure message. Failures are values; only bugs throw.
 *
 * @example
 * const graph = createGraphClient({ baseUrl: 'https://graph.facebook.com', version: 'v26.0' });
 * const r = await graph.sendMessage(pageId, token, buildSendRequest({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { type: 'text', text: 'Hola' } }));
 * if (!r.ok && r.outcome === 'unknown') reportUnknown(r.failure); // never resend blindly
 */
export function createGraphClient({
  baseUrl,
  version,
  connections = 64,
  timeoutMs = 15_000,
  pipelining = 1,
  dispatcher,
  retry = {},
  batchSends = 0,
}: GraphClientOptions): GraphClient {
  const ownAgent =
    dispatcher === undefined
      ? new Agent({
          connections,
          pipelining,
          keepAliveTimeout: 30_000,
          connect: { timeout: Math.min(timeoutMs, 10_000) },
        })
      : undefined;
  const pool: Dispatcher = dispatcher ?? (ownAgent as Agent);
  // Requests go to the dispatcher with origin and path already apart: undici's `request(url)` parses
  // the URL again for every call, 13-18 µs of CPU per call on the machine this was measured on.
  const { origin, pathname: rootPath } = new URL(`${baseUrl.replace(/\/+$/, '')}/${version}/`);

  function networkFailure(err: unknown, token: string): { failure: GraphFailure; outcome: GraphOutcome } {
    const codes = errorCodes(err);
    const base = classifyGraphError(0, null);
    const code = codes[0] ?? 'UNKNOWN';
    const raw = err instanceof Error ? err.message : String(err);
    const what = codes.some((c) => TIMEOUT_CODES.has(c))
      ? `Graph request timed out after ${timeoutMs} ms`
      : 'Graph request failed';
    return {
      failure: { ...base, message: redactToken(`${what} (${code}): ${raw}`, token) },
      outcome: notSent(codes) ? 'refused' : 'unknown',
    };
  }

  /** One HTTP exchange: the raw answer, or the failure when no full answer arrived. */
  async function exchange(
    spec: CallSpec<unknown>,
    attempt: number,
  ): Promise<
    | {
        readonly ok: true;
        readonly status: number;
        readonly headers: Record<string, string | string[] | undefined>;
        readonly text: string;
      }
    | GraphError
  > {
    const qs = spec.query === undefined ? '' : `?${new URLSearchParams(spec.query).toString()}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${spec.token}`,
      accept: 'application/json',
    };
    let payload: string | undefined;
    if (spec.body !== undefined) {
      payload = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const res = await pool.request({
        origin,
        path: `${rootPath}${spec.path}${qs}`,
        method: spec.method,
        headers,
        body: payload ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      try {
        return { ok: true, status: res.statusCode, headers: res.headers, text: await res.body.text() };
      } catch (err) {
        // Headers arrived, the body did not: Meta processed the request, we cannot tell how.
        const { failure } = networkFailure(err, spec.token);
        return { ok: false, failure, status: res.statusCode, outcome: 'unknown', attempts: attempt };
      }
    } catch (err) {
      const { failure, outcome } = networkFailure(err, spec.token);
      return { ok: false, failure, outcome, attempts: attempt };
    }
  }

  /** Reads one Graph answer (a whole response, or one entry of a batch) into a result value. */
  function interpret<T>(
    status: number,
    resHeaders: Readonly<Record<string, string | string[] | undefined>>,
    text: string,
    token: string,
    attempt: number,
    map?: (raw: Readonly<Record<string, unknown>>) => T,
  ): GraphResult<T> {
    const usage: BusinessUseCaseUsage | null = parseBusinessUseCaseUsage(
      firstHeader(resHeaders['x-business-use-case-usage']),
    );
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const graphError = isRecord(parsed) && isRecord(parsed.error);
    if (status >= 200 && status < 300 && isRecord(parsed) && !graphError) {
      const data = map === undefined ? (parsed as T) : map(parsed);
      return usage === null
        ? { ok: true, status, data, attempts: attempt }
        : { ok: true, status, data, usage, attempts: attempt };
    }

    const classified = classifyGraphError(status, parsed ?? text, resHeaders);
    const trace = firstHeader(resHeaders['x-fb-trace-id']);
    const message =
      status >= 200 && status < 300 && !graphError
        ? `Unreadable Graph answer (HTTP ${status})`
        : redactToken(classified.message, token);
    const failure: GraphFailure = {
      ...classified,
      message,
      ...(classified.fbtraceId === undefined && trace !== undefined ? { fbtraceId: trace } : {}),
    };
    // A Graph error body, or any 4xx, is Meta refusing the request. A 2xx we cannot read, or a
    // gateway 5xx without a Graph body, leaves the request's fate open.
    const outcome: GraphOutcome = graphError || (status >= 400 && status < 500) ? 'refused' : 'unknown';
    const out: GraphError = { ok: false, failure, status, outcome, attempts: attempt };
    return usage === null ? out : { ...out, usage };
  }

  async function once<T>(spec: CallSpec<T>, attempt: number): Promise<GraphResult<T>> {
    const answer = await exchange(spec, attempt);
    if (!answer.ok) return answer;
    return interpret(answer.status, answer.headers, answer.text, spec.token, attempt, spec.map);
  }

  function call<T>(spec: CallSpec<T>): Promise<GraphResult<T>> {
    const idempotent = spec.method === 'GET';
    return retryInCall(
      (attempt) => once(spec, attempt),
      (r) => {
        if (r.ok || r.failure.category !== 'transient') return null;
        // A refused request had no effect; a read has none to duplicate. An unknown send: never.
        return r.outcome === 'refused' || idempotent ? r.failure : null;
      },
      retry,
    ).then(({ result }) => result);
  }

  const notCompleted = (attempt: number): GraphError => ({
    ok: false,
    failure: {
      ...classifyGraphError(0, null),
      message: 'Graph batch entry not completed (null answer): its outcome is unknown',
    },
    outcome: 'unknown',
    attempts: attempt,
  });

  /** One try of a batch: a result for every entry, or one failure that applies to them all. */
  async function batchOnce(
    token: string,
    entries: readonly BatchEntry[],
    attempt: number,
  ): Promise<GraphResult<SendMessageResponse>[] | GraphError> {
    const answer = await exchange(
      {
        method: 'POST',
        path: '',
        token,
        body: {
          include_headers: true,
          batch: entries.map((e) => ({
            method: 'POST',
            relative_url: `${seg(e.pageId)}/messages`,
            body: formEncodeBody(e.body as unknown as Record<string, unknown>),
          })),
        },
      },
      attempt,
    );
    if (!answer.ok) return answer;
    if (answer.status < 200 || answer.status >= 300) {
      const whole = interpret<SendMessageResponse>(
        answer.status,
        answer.headers,
        answer.text,
        token,
        attempt,
      );
      if (!whole.ok) return whole;
    }
    let list: unknown;
    try {
      list = JSON.parse(answer.text);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list) || list.length !== entries.length) {
      const unreadable = notCompleted(attempt);
      return {
        ...unreadable,
        status: answer.status,
        failure: { ...unreadable.failure, message: `Unreadable Graph batch answer (HTTP ${answer.status})` },
      };
    }
    const outerUsage = answer.headers['x-business-use-case-usage'];
    return list.map((entry: unknown): GraphResult<SendMessageResponse> => {
      if (!isRecord(entry) || typeof entry.code !== 'number') return notCompleted(attempt);
      const headers: Record<string, string | undefined> = {};
      if (Array.isArray(entry.headers))
        for (const h of entry.headers)
          if (isRecord(h) && typeof h.name === 'string' && typeof h.value === 'string')
            headers[h.name.toLowerCase()] = h.value;
      if (headers['x-business-use-case-usage'] === undefined && typeof outerUsage === 'string')
        headers['x-business-use-case-usage'] = outerUsage;
      const text =
        typeof entry.body === 'string'
          ? entry.body
          : entry.body === undefined
            ? ''
            : JSON.stringify(entry.body);
      return interpret<SendMessageResponse>(entry.code, headers, text, token, attempt);
    });
  }

  const batcher =
    batchSends > 1
      ? createSendBatcher(async (token, entries) => {
          const { result } = await retryInCall(
            (attempt) => batchOnce(token, entries, attempt),
            // Only a batch refused as a whole (nothing ran) is tried again; never a partial answer.
            (r) =>
              !Array.isArray(r) && r.outcome === 'refused' && r.failure.category === 'transient'
                ? r.failure
                : null,
            retry,
          );
          return Array.isArray(result) ? result : entries.map(() => result);
        }, batchSends)
      : null;

  const profileOf = (raw: Readonly<Record<string, unknown>>): MessengerProfile => {
    const first = Array.isArray(raw.data) ? raw.data[0] : undefined;
    return isRecord(first) ? (first as MessengerProfile) : {};
  };

  return {
    sendMessage: (pageId, token, body) =>
      batcher
        ? batcher.send(pageId, token, body)
        : call({ method: 'POST', path: `${seg(pageId)}/messages`, token, body }),
    sendMarketingMessage: (adAccountId, token, body) =>
      call({
        method: 'POST',
        path: `${seg(adAccountId.startsWith('act_') ? adAccountId : `act_${adAccountId}`)}/messages`,
        token,
        body,
      }),
    senderAction: (pageId, token, recipient, action) =>
      call({
        method: 'POST',
        path: `${seg(pageId)}/messages`,
        token,
        body: buildSenderAction(recipient, action),
      }),
    getUserProfile: (psid, token, fields = ['first_name', 'last_name', 'profile_pic']) =>
      call({ method: 'GET', path: seg(psid), token, query: { fields: fields.join(',') } }),
    setMessengerProfile: (pageId, token, profile) =>
      call({ method: 'POST', path: `${seg(pageId)}/messenger_profile`, token, body: profile }),
    getMessengerProfile: (pageId, token, fields) =>
      call({
        method: 'GET',
        path: `${seg(pageId)}/messenger_profile`,
        token,
        query: { fields: fields.join(',') },
        map: profileOf,
      }),
    deleteMessengerProfileFields: (pageId, token, fields) =>
      call({ method: 'DELETE', path: `${seg(pageId)}/messenger_profile`, token, body: { fields } }),
    subscribeApp: (pageId, token, fields) =>
      call({
        method: 'POST',
        path: `${seg(pageId)}/subscribed_apps`,
        token,
        body: { subscribed_fields: fields.join(',') },
      }),
    passThreadControl: (pageId, token, psid, targetAppId, metadata) =>
      call({
        method: 'POST',
        path: `${seg(pageId)}/pass_thread_control`,
        token,
        body: {
          recipient: { id: psid },
          target_app_id: targetAppId,
          ...(metadata === undefined ? {} : { metadata }),
        },
      }),
    takeThreadControl: (pageId, token, psid, metadata) =>
      call({
        method: 'POST',
        path: `${seg(pageId)}/take_thread_control`,
        token,
        body: { recipient: { id: psid }, ...(metadata === undefined ? {} : { metadata }) },
      }),
    releaseThreadControl: (pageId, token, psid, metadata) =>
      call({
        method: 'POST',
        path: `${seg(pageId)}/release_thread_control`,
        token,
        body: { recipient: { id: psid }, ...(metadata === undefined ? {} : { metadata }) },
      }),
    getThreadOwner: (pageId, token, psid) =>
      call({
        method: 'GET',
        path: `${seg(pageId)}/thread_owner`,
        token,
        query: { recipient: psid },
        map: threadOwnerOf,
      }),
    createMessageTemplate: (pageId, token, template) =>
      call({ method: 'POST', path: `${seg(pageId)}/message_templates`, token, body: template }),
    listMessageTemplates: (pageId, token, filter = {}) =>
      call({
        method: 'GET',
        path: `${seg(pageId)}/message_templates`,
        token,
        ...(filter.name === undefined ? {} : { query: { name: filter.name } }),
        map: templatesOf,
      }),
    deleteMessageTemplate: (pageId, token, name) =>
      call({ method: 'DELETE', path: `${seg(pageId)}/message_templates`, token, query: { name } }),
    searchTemplateLibrary: (token, query) =>
      call({
        method: 'GET',
        path: 'message_template_library',
        token,
        query: {
          ...(query.nameOrContent === undefined ? {} : { name_or_content: query.nameOrContent }),
          ...(query.language === undefined ? {} : { language: query.language }),
        },
        map: (raw) =>
          Array.isArray(raw.data)
            ? raw.data.filter(
                (t): t is LibraryTemplateInfo =>
                  isRecord(t) && typeof t.name === 'string' && typeof t.language === 'string',
              )
            : [],
      }),
    createMessageCampaign: (adAccountId, token, campaign) =>
      call({
        method: 'POST',
        path: `${seg(adAccountId.startsWith('act_') ? adAccountId : `act_${adAccountId}`)}/message_campaign`,
        token,
        body: campaign,
      }),
    debugPage: (pageId, token) =>
      call({ method: 'GET', path: seg(pageId), token, query: { fields: 'id,name' } }),
    getSubscribedApps: (pageId, token) =>
      call({ method: 'GET', path: `${seg(pageId)}/subscribed_apps`, token, map: subscribedAppsOf }),
    debugToken: (token) =>
      call({ method: 'GET', path: 'debug_token', token, query: { input_token: token }, map: tokenInfoOf }),
    async close() {
      await ownAgent?.close();
    },
  };
}
