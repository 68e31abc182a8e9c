/** The promotional-content classifier: public API. */
export { classifyContent, normalizeText } from './classify.ts';
export { classifyUrl, type LinkVerdict } from './links.ts';
export { THRESHOLD } from './scoring.ts';
export type {
  ClassifiableContent,
  CounterSignal,
  CounterSignalKind,
  PromotionalVerdict,
  Signal,
  SignalKind,
} from './types.ts';
