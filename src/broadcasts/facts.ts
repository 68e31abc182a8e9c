/** Message facts with the classifier's verdict computed once and attached (decide() then reuses it). */
import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import { classifyContent, type Facts } from '../policy/index.ts';
import { classifiableOf } from './personalize.ts';

export type MessageFacts = Facts['message'];

/**
 * @param forcePromotional a marketer who declares the content promotional is believed even when the
 *   classifier finds no signal: the stricter reading always wins.
 */
export function messageFactsWithVerdict(
  content: OutboxContent,
  forcePromotional: boolean,
): { readonly content: OutboxContent; readonly facts: MessageFacts } {
  const verdict = classifyContent(classifiableOf(content));
  const promotional = forcePromotional && !verdict.value ? { ...verdict, value: true } : verdict;
  return { content, facts: { ...messageFacts(content), promotional } };
}
