/**
 * The promotional-content classifier's public shapes. The classifier is pure: same content in, same
 * verdict out, no I/O.
 */

/** Why a piece of content looks promotional. Stable strings: they appear in decisions and the audit. */
export type SignalKind =
  | 'shop_link' // a link to a store, product, cart or checkout
  | 'funnel_link' // a link to a blog, landing page, lead form or signup funnel
  | 'external_link' // any other outbound link that is not clearly transactional
  | 'coupon' // a coupon or promo code
  | 'discount' // a discount, percentage off, sale, 2x1
  | 'price_offer' // a price used to sell (not a receipt or renewal notice)
  | 'free' // "free", "gratis", "grátis", "gratuito" used as a lure
  | 'urgency' // "only today", "last places", countdowns
  | 'upsell' // upsell or cross-sell ("you may also like", "upgrade")
  | 'event_promotion' // promotion of an event or webinar the person has not registered for
  | 're_engagement' // "we miss you", "come back"
  | 'call_to_buy' // "buy now", "shop now", "order now"
  | 'new_product' // new collection, launch, announcement
  | 'survey_unrelated' // polls or surveys not tied to a preceding interaction
  | 'giveaway'; // contests, raffles, sweepstakes

/** Evidence that points the other way: transactional wording that excuses a price or a link. */
export type CounterSignalKind = 'receipt' | 'tracking' | 'invoice' | 'appointment' | 'account_notice';

export interface Signal {
  readonly kind: SignalKind;
  /** The exact piece of the content that triggered the signal (for highlighting). */
  readonly text: string;
  /** Where it was found: the text, a button title/url or a quick reply. */
  readonly where: 'text' | 'button' | 'quick_reply' | 'template';
  /** Language of the lexicon entry that matched, when the signal came from words. */
  readonly lang?: 'es' | 'en' | 'pt' | 'it' | 'any';
  /** What this signal adds to the score (only the strongest signal of each kind counts). */
  readonly weight?: number;
}

export interface CounterSignal {
  readonly kind: CounterSignalKind;
  readonly text: string;
}

/** Everything a person will see in one outbound message. Button URLs and quick replies are content too. */
export interface ClassifiableContent {
  readonly text?: string | undefined;
  readonly buttons?:
    | readonly { readonly type?: string; readonly title?: string; readonly url?: string }[]
    | undefined;
  readonly quickReplies?: readonly { readonly title?: string; readonly payload?: string }[] | undefined;
  /** Utility-template parameter values and any other visible strings. */
  readonly extraTexts?: readonly string[] | undefined;
}

export interface PromotionalVerdict {
  readonly value: boolean;
  /** Sum of signal weights minus counter-signal weights; value is score >= threshold. */
  readonly score: number;
  readonly signals: readonly Signal[];
  readonly counterSignals: readonly CounterSignal[];
}
