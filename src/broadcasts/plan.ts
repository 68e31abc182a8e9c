/**
 * A broadcast compiled for decisions: placeholders parsed once, the content classified once (or
 * once per distinct rendered text when personalisation changes it), message facts reused.
 * Shared by preflight, fan-out and dispatch so all three decide on exactly the same facts.
 */

import type { OutboxContent } from '../outbound/content.ts';
import { type MessageFacts, messageFactsWithVerdict } from './facts.ts';
import type { Broadcast } from './model.ts';
import { type CompiledContent, compileContent, type PersonValues } from './personalize.ts';

export interface PlannedMessage {
  readonly content: OutboxContent;
  readonly facts: MessageFacts;
}

export interface BroadcastPlan {
  readonly broadcast: Broadcast;
  readonly compiled: CompiledContent;
  /** The content and message facts (verdict included) for one person. */
  messageFor(person: PersonValues): PlannedMessage;
}

/**
 * @param cacheMax distinct rendered texts whose verdict is kept (default 50,000): first names repeat,
 *   so a personalised million-contact broadcast classifies only a few thousand texts.
 */
export function planBroadcast(broadcast: Broadcast, { cacheMax = 50_000 } = {}): BroadcastPlan {
  const compiled = compileContent(broadcast.content);
  const forcePromotional = broadcast.intent === 'promotional';
  const fixed = compiled.personal ? null : messageFactsWithVerdict(compiled.content, forcePromotional);
  const cache = new Map<string, PlannedMessage>();
  return {
    broadcast,
    compiled,
    messageFor(person) {
      if (fixed !== null) return fixed;
      const key = compiled.textKey(person);
      let planned = cache.get(key);
      if (planned === undefined) {
        planned = messageFactsWithVerdict(compiled.render(person), forcePromotional);
        if (cache.size >= cacheMax) cache.clear();
        cache.set(key, planned);
      }
      return planned;
    },
  };
}
