import { describe, expect, it } from 'vitest';
import {
  API_MESSAGES,
  FLOW_API_CODES,
  FLOW_PROBLEM_CODES,
  PROBLEM_MESSAGES,
  REPROMPTS,
  WORDS,
} from './messages.ts';

describe('flow messages', () => {
  it('exist in Spanish and English for every code, word and re-prompt', () => {
    for (const lang of ['es', 'en'] as const) {
      for (const code of FLOW_PROBLEM_CODES)
        expect(PROBLEM_MESSAGES[lang][code]({}).length).toBeGreaterThan(5);
      for (const code of FLOW_API_CODES) expect(API_MESSAGES[lang][code]({}).length).toBeGreaterThan(5);
      expect(Object.keys(WORDS[lang]).sort()).toEqual(Object.keys(WORDS.en).sort());
      expect(Object.keys(REPROMPTS[lang]).sort()).toEqual(Object.keys(REPROMPTS.en).sort());
    }
    expect(PROBLEM_MESSAGES.es.required({})).not.toBe(PROBLEM_MESSAGES.en.required({}));
  });
});
