/** The audit record of one send decision: the decision and the evidence it was made on. */
import type { Decision, DecisionDocument, Facts } from '../policy/index.ts';
import type { audit } from '../storage/index.ts';
import type { OutboxItem } from '../storage/outbox.ts';

export function auditEntryFor(
  item: OutboxItem,
  facts: Facts,
  decision: Decision,
  doc: DecisionDocument,
  at: number,
): audit.NewAuditEntry {
  return {
    workspaceId: item.workspaceId,
    pageId: item.pageId,
    contactId: item.contactId,
    messageRef: item.id,
    at,
    ruleSet: decision.rules,
    route: decision.route,
    allowed: decision.allowed,
    reasons: doc.reasons,
    evidence: {
      lastInboundAt: facts.contact.lastInboundAt,
      lastInboundKind: facts.contact.lastInboundKind,
      windowClosesAt: doc.windowClosesAt,
      sender: facts.message.sender,
      tag: facts.message.tag,
      promotionalSignals: decision.promotional.signals.map((s) => ({ kind: s.kind, text: s.text })),
      origin: item.origin,
      originId: item.originId,
    } as never,
    decision: doc as never,
  };
}
