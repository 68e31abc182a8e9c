import type { CounterSignalKind, SignalKind } from './types.ts';

/**
 * The scoring table. A verdict's score is, per signal kind, the highest weight among its signals,
 * summed over kinds; minus the counter-signals (each kind once), whose total is capped so that
 * transactional wording excuses a price or a link but never a coupon plus a discount.
 * A message is promotional when score >= THRESHOLD.
 */
export const THRESHOLD = 1;

/** Default weight of a signal kind; lexicon entries and patterns may override it. */
export const SIGNAL_WEIGHTS: Readonly<Record<SignalKind, number>> = {
  coupon: 2,
  discount: 1.5,
  giveaway: 1.5,
  call_to_buy: 1.2,
  upsell: 1.2,
  re_engagement: 1.2,
  shop_link: 1,
  funnel_link: 1,
  event_promotion: 1,
  survey_unrelated: 1,
  price_offer: 1,
  new_product: 1,
  urgency: 0.7,
  free: 0.7,
  external_link: 0.4,
};

/** Weight of a price with no selling cue before it ("Menú 11,90 €"): a hint, not proof. */
export const BARE_PRICE_WEIGHT = 0.6;
/** Weight of scarcity with a number ("only 3 seats left"): stronger than a bare "hurry". */
export const SCARCITY_WEIGHT = 1;
/** Weight of an upper-case code right after "code"/"código" (VERANO20). */
export const CODE_TOKEN_WEIGHT = 2.5;

export const COUNTER_WEIGHTS: Readonly<Record<CounterSignalKind, number>> = {
  receipt: 1,
  tracking: 1.2,
  invoice: 1,
  appointment: 0.8,
  account_notice: 1,
};

/** Most that counter-signals can take off in total. */
export const COUNTER_CAP = 1.5;
