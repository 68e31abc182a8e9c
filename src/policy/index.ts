/** The policy engine's public API: pure functions over facts and rule data. */
export { classifyContent } from './classifier/index.ts';
export type { PromotionalVerdict, Signal, SignalKind } from './classifier/types.ts';
export { decide } from './decide.ts';
export { type DecisionDocument, decisionDocument } from './document.ts';
export { type FactsProblem, type FactsResult, parseFacts } from './facts.ts';
export * from './i18n/index.ts';
export type { PolicyParams } from './rules/params.ts';
export { RULE_RECORDS, RULES_HORIZON, type RuleRecord } from './rules/records.ts';
export {
  createRuleBook,
  type RuleBook,
  type RuleSet,
  type RuleSetResult,
  resolveRulesOverride,
  ruleBoundaries,
  ruleSetAt,
  ruleTimeline,
} from './rules/ruleset.ts';
export { SOURCES } from './rules/sources.ts';
export * from './types.ts';
