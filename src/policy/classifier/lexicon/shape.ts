import type { CounterSignalKind, SignalKind } from '../types.ts';

/** Language tag of a lexicon; `any` holds words shared by every language (brand names, "2x1"). */
export type LexiconLang = 'es' | 'en' | 'pt' | 'it' | 'any';

/**
 * One phrase, written naturally (accents, case and punctuation are normalised at load), matched on
 * whole words. A tuple overrides the kind's default weight from `scoring.ts`.
 */
export type Entry = string | readonly [phrase: string, weight: number];

/**
 * The words of one language. Phrases are matched on whole words of the normalised text; prefer
 * phrases over bare words that mean something else in a sibling language ("sale" is "leaves" in
 * Spanish and "salt" in Italian).
 */
export interface Lexicon {
  readonly lang: LexiconLang;
  readonly signals: Readonly<Partial<Record<SignalKind, readonly Entry[]>>>;
  readonly counters: Readonly<Partial<Record<CounterSignalKind, readonly Entry[]>>>;
  /** Phrases that tie a survey to the person's own recent interaction (then it is not "unrelated"). */
  readonly surveyRelated: readonly string[];
  /**
   * Phrases saying a coupon or discount was already applied or used ("descuento aplicado"). With a
   * transactional counter-signal present, coupon and discount words then describe the transaction.
   */
  readonly appliedDiscount: readonly string[];
  /** Phrases that swallow an overlapping lure word ("feel free", "toll free"). */
  readonly neutral: readonly string[];
  /** Words shortly before a price that make it part of a transaction ("total", "pago de"). */
  readonly priceTransactional: readonly string[];
  /** Words right before a price that make it a selling price ("only", "desde"). */
  readonly priceSelling: readonly string[];
  /** Words right after "NN%" that make it a discount ("off", "de descuento"); a tuple weakens it. */
  readonly percentAfter: readonly Entry[];
  /** Words right before "NN%" that make it a discount ("up to", "hasta un"). */
  readonly percentBefore: readonly string[];
  /**
   * Scarcity with a number, as regular-expression sources on normalised text, `#` standing for the
   * number: `quedan (?:solo )?# (?:plazas|sitios)`. Reported as urgency.
   */
  readonly scarcity: readonly string[];
  /** Words that introduce a promo code ("code", "código"), followed by an upper-case token. */
  readonly codeIntro: readonly string[];
}
