/**
 * The agent's reply and its preview: facts gathered now, pure decide(), then either a 422 with reasons
 * and alternatives (audited) or one outbox row that the send pipeline decides again at dispatch.
 */
import { compileContent } from '../broadcasts/personalize.ts';
import { PAGE_INBOX_APP_ID } from '../messenger/index.ts';
import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import { type Decision, decide, decisionDocument, type Facts, withMessages } from '../policy/index.ts';
import { audit, contacts, conversations, inbox, newId, outbox, pages } from '../storage/index.ts';
import { loadConversation } from './conversations.ts';
import { type Actor, type InboxDeps, problem, ruleSetAt } from './deps.ts';

/** The facts of an agent's reply right now, and the rendered content it would send. */
async function replyDecision(deps: InboxDeps, contact: contacts.Contact, text: string) {
  const now = deps.now();
  const rendered = compileContent({
    message: { type: 'text', text },
    sender: 'human',
    purpose: 'response',
  }).render({ firstName: contact.firstName, lastName: contact.lastName, fields: contact.fields });
  const page = await pages.pageFacts(deps.database, contact.pageId);
  const facts: Facts = {
    now,
    page: page ?? {
      humanAgent: false,
      utilityMessaging: false,
      marketingMessages: false,
      newsPageIndex: false,
      restricted: false,
      businessCountry: null,
    },
    contact: contacts.contactToFacts(contact),
    message: messageFacts(rendered),
  };
  const decision = decide(facts, ruleSetAt(deps, now), now);
  return { decision, facts, content: rendered, now };
}

function rendered(decision: Decision, actor: Actor, now: number) {
  return withMessages(decision, {
    lang: actor.lang,
    now,
    ...(actor.timeZone ? { timeZone: actor.timeZone } : {}),
  });
}

/** What the reply would get now: pure decide on freshly gathered facts; nothing is sent. */
export async function previewReply(deps: InboxDeps, actor: Actor, id: string, text: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const { decision, content, now } = await replyDecision(deps, l.contact, text);
  return {
    ok: true as const,
    decision: rendered(decision, actor, now),
    text: content.message.type === 'text' ? content.message.text : text,
    threadOwner: l.conv.threadOwner === PAGE_INBOX_APP_ID ? 'page_inbox' : 'app',
  };
}

/**
 * The agent's reply: refused (nothing enqueued) while the Page Inbox owns the thread or when decide
 * says no; otherwise one outbox row (sender human, purpose response, origin agent) that the send
 * pipeline decides again at dispatch, and the sender is woken.
 */
export async function reply(
  deps: InboxDeps,
  actor: Actor,
  id: string,
  text: string,
  clientId: string | null,
) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  if (l.conv.threadOwner === PAGE_INBOX_APP_ID) return problem(409, 'thread_owned_by_page_inbox');
  const { decision, facts, content, now } = await replyDecision(deps, l.contact, text);
  if (!decision.allowed) {
    const doc = rendered(decision, actor, now);
    // A refused reply is a decision like any other: kept for proof, and counted as a restriction avoided.
    const plain = decisionDocument(decision);
    await audit.appendAudit(deps.database, {
      workspaceId: actor.workspaceId,
      pageId: l.conv.pageId,
      contactId: l.contact.id,
      messageRef: `agent-reply:${id}`,
      at: now,
      ruleSet: decision.rules,
      route: null,
      allowed: false,
      reasons: plain.reasons,
      evidence: {
        lastInboundAt: facts.contact.lastInboundAt,
        lastInboundKind: facts.contact.lastInboundKind,
        windowClosesAt: plain.windowClosesAt,
        sender: 'human',
        origin: 'agent',
        originId: id,
        userId: actor.userId,
      } as never,
      decision: plain as never,
    });
    return problem(
      422,
      'reply_refused',
      { why: doc.reasons.map((r) => r.message).join(' ') },
      { reasons: doc.reasons, alternatives: doc.alternatives, decision: doc },
    );
  }
  if (l.conv.status === 'closed') {
    const r = await inbox.reopenConversation(deps.database, id, now);
    if (!r.ok) return problem(409, 'conversation_open_elsewhere', { id: r.openId });
  }
  const key = `agent-${id}-${clientId ?? newId(now)}`;
  const r = await outbox.enqueueOutbox(deps.database, [
    {
      workspaceId: actor.workspaceId,
      pageId: l.conv.pageId,
      contactId: l.contact.id,
      origin: 'agent',
      originId: id,
      idempotencyKey: key,
      content: {
        ...content,
        ...(actor.userId ? { agentUserId: actor.userId } : {}),
      } as OutboxContent as never,
      now,
    },
  ]);
  await inbox.clearHandoff(deps.database, id, now);
  // Whoever answers an unassigned conversation takes it.
  if (l.conv.assignedUserId === null && actor.userId !== null)
    await conversations.assignConversation(deps.database, id, actor.userId, now);
  deps.wake();
  const outboxId = r.inserted[0]?.id ?? (await outbox.getOutboxItemByKey(deps.database, key))?.id ?? null;
  return { ok: true as const, outboxId, decision: rendered(decision, actor, now) };
}
