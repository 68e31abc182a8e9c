/**
 * Shared data shapes of the Messenger Platform simulator: pages, fake people, recorded requests,
 * counters and faults. Plain data; the stateful parts live in `state.ts` and `faults.ts`.
 */

/** What a simulated Page is allowed to do (Meta grants these through App Review or registration). */
export interface PagePermissions {
  /** The "Human Agent" permission: HUMAN_AGENT tag up to 7 days after the last inbound. */
  readonly humanAgent: boolean;
  /** `page_utility_messaging`: utility templates outside the window. */
  readonly utilityMessaging: boolean;
  /** Page is in the News Page Index: NON_PROMOTIONAL_SUBSCRIPTION tag. */
  readonly newsPageIndex: boolean;
}

export interface PageInput {
  readonly id: string;
  readonly token: string;
  readonly name?: string;
  readonly permissions?: Partial<PagePermissions>;
}

export interface SimPage {
  readonly id: string;
  readonly token: string;
  readonly name: string;
  permissions: PagePermissions;
  subscribedFields: string[];
  messengerProfile: Record<string, unknown>;
}

export interface PersonInput {
  readonly pageId: string;
  /** Page-scoped id; generated when absent. */
  readonly psid?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** Like Meta's profile field, e.g. "es_ES". */
  readonly locale?: string;
  /** ISO 3166 country, e.g. "MX". Used for Marketing Message region rules. */
  readonly country?: string;
  /** Offset from UTC in hours, as the profile API returns it. */
  readonly timezone?: number;
  /** IANA name sent in `notification_messages_timezone`. */
  readonly ianaTimezone?: string;
}

/** A message the Page sent to a person, as the person's Messenger shows it. */
export interface InboxItem {
  readonly mid: string;
  readonly at: number;
  readonly message: unknown;
  readonly via: 'send_api' | 'private_reply' | 'marketing_message';
}

/** A fake person talking to one Page. Mutated only by the simulator. */
export interface Person {
  readonly pageId: string;
  readonly psid: string;
  /** App-scoped user id, as the Page `feed` webhook shows commenters (not the PSID). */
  readonly userId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly locale: string;
  readonly country: string;
  readonly timezone: number;
  readonly ianaTimezone: string;
  blocked: boolean;
  /** Last inbound action that opens the standard window (ms), or null. */
  lastInboundAt: number | null;
  /** First message after a Click-to-Messenger ad (ms), or null. */
  ctmStartedAt: number | null;
  /** Last checkbox / user_ref opt-in (ms), or null. */
  userRefOptInAt: number | null;
  userRef: string | null;
  /** Messages the Page delivered to this person. */
  messagesReceived: number;
  /** The most recent deliveries, bounded by the `inboxCap` option. */
  inbox: InboxItem[];
  /** The last mid the person sent, so a test can point a reply or reaction at it. */
  lastMid: string | null;
}

export type TokenKind = 'notification_messages' | 'one_time_notif';

export interface IssuedToken {
  readonly token: string;
  readonly kind: TokenKind;
  readonly pageId: string;
  readonly psid: string;
  readonly createdAt: number;
  expiresAt: number;
  stopped: boolean;
  /** One-time tokens: when used. */
  usedAt: number | null;
  /** Legacy Send API sends with `recipient.notification_messages_token`. */
  lastLegacySendAt: number | null;
  /** Marketing Message API sends with `subscription_token`. */
  lastMarketingSendAt: number | null;
  readonly title: string;
  readonly payload: string;
}

export interface SimComment {
  readonly id: string;
  readonly postId: string;
  readonly pageId: string;
  readonly psid: string;
  readonly createdAt: number;
  repliedAt: number | null;
}

export type TemplateStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED';

/** A Marketing Message API campaign (`POST act_<id>/message_campaign`). */
export interface SimCampaign {
  readonly id: string;
  readonly adAccountId: string;
  readonly pageId: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface SimTemplate {
  readonly id: string;
  readonly pageId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: TemplateStatus;
  readonly rejectedReason: string | null;
  readonly components: unknown;
  readonly createdAt: number;
}

/** What happened to a recorded request. */
export type Outcome =
  | 'ok'
  | 'invalid'
  | 'violation'
  | 'rate_limited'
  | 'unavailable'
  | 'auth_error'
  | 'fault'
  | 'not_found';

/** The rule a send broke; each one is counted in `violationsByRule`. */
export type ViolationRule =
  | 'outside_window'
  | 'tag_deprecated'
  | 'tag_window_expired'
  | 'tag_requires_template'
  | 'human_agent_not_approved'
  | 'human_agent_window_expired'
  | 'utility_not_enabled'
  | 'utility_template_not_approved'
  | 'not_news_page'
  | 'private_reply_used'
  | 'private_reply_expired'
  | 'marketing_opted_out'
  | 'marketing_token_expired'
  | 'marketing_cooldown'
  | 'marketing_region_ineligible'
  | 'one_time_token_used'
  | 'one_time_token_expired';

export type FaultKind =
  | 'http_500'
  | 'http_503'
  | 'timeout'
  | 'rate_limit_613'
  | 'token_expired_190'
  | 'blocked_551'
  | 'window_closed_10'
  | 'page_restricted'
  /** Marketing Message API: the Page's weekly marketing-to-organic ratio cap (since 10 Apr 2026). */
  | 'marketing_weekly_cap'
  | 'latency';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only calls for this Page; any Page when absent. */
  readonly pageId?: string;
  /** Only sends to this PSID; any recipient when absent. */
  readonly psid?: string;
  /**
   * How many matching calls get the fault. Default: 1 for http_500, http_503, timeout and
   * rate_limit_613 (a burst is `count: N`); unlimited (until cleared) for the other kinds and for
   * any fault with a `probability`.
   */
  readonly count?: number;
  /** Each matching call gets the fault with this probability (0..1). Default 1. */
  readonly probability?: number;
  /** timeout: how long the request is held before the socket is destroyed. Default 1000. */
  readonly holdMs?: number;
  /** latency: added delay in ms. Default 20. */
  readonly latencyMs?: number;
  /** timeout: whether the send was accepted (delivered) before the connection died. Default false. */
  readonly delivered?: boolean;
}

export interface ActiveFault extends FaultSpec {
  readonly id: string;
  remaining: number;
  fired: number;
}

export interface RecordedRequest {
  readonly seq: number;
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  /** Which API: send, marketing, profile, messenger_profile, ... */
  readonly endpoint: string;
  page: string | null;
  psid: string | null;
  outcome: Outcome;
  status: number;
  error?: { readonly code: number; readonly subcode?: number; readonly message: string };
  violation?: ViolationRule;
  fault?: FaultKind;
  /** Latency injected into this call, in ms. */
  latencyMs?: number;
  messageId?: string;
}

export interface PageCounters {
  sends: number;
  ok: number;
  failed: number;
  violations: number;
  rateLimitHits: number;
  faults: number;
}

export interface SimulatorCounters {
  requests: number;
  sends: number;
  sendsOk: number;
  violations: number;
  violationsByRule: Partial<Record<ViolationRule, number>>;
  rateLimitHits: number;
  invalidRequests: number;
  authErrors: number;
  unavailable: number;
  faultsInjected: number;
  faultsByKind: Partial<Record<FaultKind, number>>;
  privateReplies: number;
  marketingMessages: number;
  webhooksSent: number;
  webhookFailures: number;
}
