/**
 * The parameters decide() reads. A rule set is the deep merge of every rule record in force at a date;
 * decide() never knows dates of rule changes, only these values.
 */
import type { InboundKind, Route } from '../types.ts';

export type TagStatus = 'active' | 'deprecated';

export interface TagRule {
  readonly status: TagStatus;
  /** The route a send with this tag belongs to. */
  readonly route: Extract<Route, 'message_tag' | 'human_agent' | 'news_subscription' | 'customer_feedback'>;
  /** Days after the last inbound during which the tag may be used; null = no limit. */
  readonly windowDays: number | null;
  /** What the Graph API answers when the tag is dead (documentation only). */
  readonly graphError?: string;
}

export interface PolicyParams {
  readonly standardWindow: {
    readonly hours: number;
    readonly opensOn: readonly InboundKind[];
  };
  /** Click-to-Messenger ads: the window after an ad-started conversation (null when not in force). */
  readonly ctmWindow: { readonly days: number } | null;
  readonly tags: Readonly<Record<string, TagRule>>;
  readonly humanAgent: { readonly days: number; readonly permission: string; readonly beta: boolean } | null;
  readonly utility: { readonly permission: string; readonly categories: readonly string[] } | null;
  readonly marketingMessages: {
    readonly cooldownHours: number;
    /** Recipient regions the Marketing Message API cannot reach (EU members are listed as "EU" plus their codes). */
    readonly excludedRecipientRegions: readonly string[];
    readonly businessRegions: readonly string[];
  } | null;
  readonly legacyNotifications: {
    readonly cooldownHours: number;
    /** When set, only recipients in these regions can still be reached through legacy tokens. */
    readonly onlyRecipientRegions: readonly string[] | null;
  } | null;
  readonly oneTimeNotification: { readonly tokenValidityDays: number } | null;
  readonly privateReply: { readonly days: number; readonly perObject: number; readonly perHour: number };
  readonly newsSubscription: { readonly tag: string } | null;
  /** Sponsored Messages: paid ads to existing threads, never sent through the Send API. */
  readonly sponsoredMessages: { readonly available: boolean };
}

/** The EU member states, so a contact's ISO country can be matched against "EU" region rules. */
export const EU_COUNTRIES: readonly string[] = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
];

/** Whether an ISO country belongs to a region list that may contain "EU". */
export function inRegions(country: string, regions: readonly string[]): boolean {
  const c = country.toUpperCase();
  if (regions.includes(c)) return true;
  // "UK" is Meta's word; ISO 3166 says GB.
  if (c === 'GB' && regions.includes('UK')) return true;
  return regions.includes('EU') && EU_COUNTRIES.includes(c);
}
