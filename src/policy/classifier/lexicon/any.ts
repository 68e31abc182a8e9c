import type { Lexicon } from './shape.ts';

/** Words shared by all languages: retail calendar names and multibuy notation. */
export const any: Lexicon = {
  lang: 'any',
  signals: {
    discount: ['black friday', 'cyber monday', 'prime day', '2x1', '3x2', '3x1'],
    upsell: [['premium', 0.6]],
  },
  counters: {},
  surveyRelated: [],
  appliedDiscount: [],
  neutral: [],
  priceTransactional: [],
  priceSelling: [],
  percentAfter: [],
  percentBefore: [],
  codeIntro: [],
  scarcity: [],
};
