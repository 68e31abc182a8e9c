/**
 * The vocabulary of the policy engine: routes, reason codes, facts and decisions.
 * Everything here is plain readonly data; see DESIGN.md section 3.1 for the public contract.
 */
import type { PromotionalVerdict, Signal } from './classifier/types.ts';

/** The ways a Page may lawfully reach a person (DESIGN section 1). */
export const ROUTES = [
  'standard',
  'message_tag',
  'human_agent',
  'utility',
  'marketing_message',
  'legacy_notification',
  'one_time_notification',
  'private_reply',
  'news_subscription',
  'customer_feedback',
  'sponsored_message',
] as const;
export type Route = (typeof ROUTES)[number];

/** Inbound actions a contact can take; which of them open the standard window is rule data. */
export const INBOUND_KINDS = [
  'message',
  'postback',
  'quick_reply',
  'referral',
  'reaction',
  'optin',
  'plugin_optin',
  'ad_message',
  'comment',
] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** Stable codes for why a message may not go (or may go only under conditions). */
export const REASON_CODES = [
  'outside_window',
  'promotional_content',
  'tag_deprecated',
  'tag_unknown',
  'tag_requires_non_promotional',
  'tag_window_expired',
  'human_agent_requires_human',
  'human_agent_window_expired',
  'human_agent_not_approved',
  'utility_not_enabled',
  'utility_requires_template',
  'utility_not_available',
  'marketing_not_subscribed',
  'marketing_not_enabled',
  'marketing_cooldown',
  'marketing_region_ineligible',
  'marketing_token_expired',
  'marketing_not_available',
  'legacy_token_missing',
  'legacy_token_expired',
  'legacy_region_ineligible',
  'legacy_cooldown',
  'legacy_not_available',
  'one_time_token_missing',
  'one_time_token_used',
  'one_time_token_expired',
  'one_time_not_available',
  'private_reply_used',
  'private_reply_expired',
  'not_news_page',
  'news_requires_non_promotional',
  'customer_feedback_requires_template',
  'customer_feedback_window_expired',
  'sponsored_not_send_api',
  'contact_blocked',
  'contact_opted_out',
  'page_restricted',
  'no_inbound_yet',
  // Growth (issue 5): templates, opt-in requests, Meta's marketing frequency caps.
  'template_not_approved',
  'optin_request_outside_window',
  'marketing_paused',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Codes of the actions a marketer can take when a message may not go now. */
export const ALTERNATIVE_CODES = [
  'send_before_window_closes',
  'wait_for_inbound',
  'ask_marketing_optin',
  'use_marketing_message',
  'use_legacy_notification',
  'use_one_time_notification',
  'use_utility_template',
  'human_agent_reply',
  'remove_promotional_content',
  'paid_reach',
  'use_private_reply',
  'use_message_tag',
] as const;
export type AlternativeCode = (typeof ALTERNATIVE_CODES)[number];

/** Facts worth telling even when a message may go. */
export const NOTE_CODES = [
  'tag_dropped_inside_window',
  'ctm_window_applied',
  'window_closed_by_graph',
  'uncertain_rule',
  'opted_out_non_promotional',
] as const;
export type NoteCode = (typeof NOTE_CODES)[number];

/** Values interpolated into reason and alternative messages. */
export type MessageParams = Readonly<Record<string, string | number>>;

export interface Reason {
  readonly code: ReasonCode;
  readonly params?: MessageParams;
}

export interface Note {
  readonly code: NoteCode;
  readonly params?: MessageParams;
}

export interface Alternative {
  readonly code: AlternativeCode;
  readonly route?: Route;
  readonly params?: MessageParams;
}

/** Send API fields the adapter must put on the request for the chosen route. */
export interface SendFields {
  readonly messaging_type: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG' | 'UTILITY' | null;
  readonly tag: string | null;
  /** Which recipient key the Send API call uses. */
  readonly recipient:
    | 'id'
    | 'comment_id'
    | 'post_id'
    | 'notification_messages_token'
    | 'one_time_notif_token'
    | 'subscription_token'
    | 'user_ref'
    | null;
  /** Which Graph endpoint: the Page's Send API or the Marketing Message API (act_<id>/messages). */
  readonly endpoint: 'page_messages' | 'ad_account_messages' | null;
}

export interface Timestamp {
  readonly ms: number;
}

/** Facts about a person's marketing-message subscription (Marketing Message API). */
export interface MarketingSubscriptionFacts {
  readonly status: 'active' | 'stopped' | 'expired';
  readonly lastSentAt: number | null;
  readonly expiresAt: number | null;
  /** Meta capped this person (frequency caps): no marketing message before this moment. */
  readonly heldUntil?: number | null;
}

export interface LegacyTokenFacts {
  readonly lastSentAt: number | null;
  readonly expiresAt: number | null;
  readonly status: 'active' | 'stopped';
}

export interface OneTimeTokenFacts {
  readonly createdAt: number;
  readonly usedAt: number | null;
}

/** Parsed, validated facts: timestamps are epoch milliseconds. */
export interface Facts {
  readonly now: number;
  readonly page: {
    readonly humanAgent: boolean;
    readonly utilityMessaging: boolean;
    readonly marketingMessages: boolean;
    readonly newsPageIndex: boolean;
    readonly restricted: boolean;
    /** Country of the business (Marketing Message API eligibility), ISO 3166-1 alpha-2. */
    readonly businessCountry: string | null;
  };
  readonly contact: {
    readonly lastInboundAt: number | null;
    readonly lastInboundKind: InboundKind | null;
    readonly adWindowStartedAt: number | null;
    readonly country: string | null;
    readonly blocked: boolean;
    readonly optedOut: boolean;
    readonly marketingSubscription: MarketingSubscriptionFacts | null;
    readonly legacyNotificationToken: LegacyTokenFacts | null;
    readonly oneTimeToken: OneTimeTokenFacts | null;
    /** Whether the Graph API answered 10/2018278 after the last inbound: the window is closed, whatever the clock says. */
    readonly windowClosedByGraphAt: number | null;
  };
  readonly message: {
    readonly sender: 'bot' | 'human';
    /** RESPONSE (a reply to something the person sent) or UPDATE (proactive); both need the window. */
    readonly purpose: 'response' | 'update';
    readonly text: string | null;
    readonly buttons: readonly {
      readonly type: string;
      readonly title?: string;
      readonly url?: string;
      readonly payload?: string;
    }[];
    readonly quickReplies: readonly { readonly title?: string; readonly payload?: string }[];
    readonly tag: string | null;
    readonly template: {
      readonly category: string;
      readonly name: string;
      readonly parameters: readonly string[];
      /** Meta's review status of the Page's template (APPROVED, PENDING, REJECTED…); absent = not checked. */
      readonly status?: string | null;
    } | null;
    /** The message asks for a marketing opt-in (`notification_messages` template): only inside the window. */
    readonly optinRequest?: boolean;
    readonly privateReply: {
      readonly commentId: string | null;
      readonly postId: string | null;
      readonly createdAt: number;
      readonly alreadyReplied: boolean;
    } | null;
    /** A verdict computed earlier (a cache); when absent, decide() classifies the content itself. */
    readonly promotional: PromotionalVerdict | null;
  };
}

export interface PromotionalSummary {
  readonly value: boolean;
  readonly score: number;
  readonly signals: readonly Signal[];
}

/** The engine's answer. Moments are epoch milliseconds; `decisionDocument` renders the public JSON (ISO 8601). */
export interface Decision {
  readonly allowed: boolean;
  readonly route: Route | null;
  readonly send: SendFields;
  /** Id of the rule set used, e.g. "messenger-2026-04-27". */
  readonly rules: string;
  readonly now: number;
  /** When the standard window closes (or closed); null when the person never wrote. */
  readonly windowClosesAt: number | null;
  readonly windowOpen: boolean;
  /** Last moment a human agent may still answer with HUMAN_AGENT, when that is relevant. */
  readonly humanAgentUntil: number | null;
  readonly promotional: PromotionalSummary;
  readonly reasons: readonly Reason[];
  readonly alternatives: readonly Alternative[];
  /** Facts worth knowing even when the message is allowed (e.g. "an explicit tag was dropped"). */
  readonly notes: readonly Note[];
}
