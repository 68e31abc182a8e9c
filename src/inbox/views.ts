/**
 * The shapes the dashboard reads (CONTRACTS.md "Contacts, inbox, overview"), built purely from stored
 * rows, the Page's facts and the rule set in force.
 */
import { PAGE_INBOX_APP_ID } from '../messenger/index.ts';
import type { Facts, Lang, RuleSet } from '../policy/index.ts';
import { type Contact, contactToFacts } from '../storage/contacts.ts';
import type { AgentReplyRow, InboxConversation, InboxNote } from '../storage/inbox.ts';
import type { Message } from '../storage/messages.ts';
import type { Page } from '../storage/pages.ts';
import { canDoText } from './messages.ts';
import { windowView } from './window.ts';

export type PageFactsById = ReadonlyMap<string, Facts['page']>;

/** The policy's view of a stored Page. */
export function pageFactsOf(page: Page): Facts['page'] {
  return {
    ...page.permissions,
    restricted: page.status === 'restricted',
    businessCountry: page.businessCountry,
  };
}

const NO_PAGE: Facts['page'] = {
  humanAgent: false,
  utilityMessaging: false,
  marketingMessages: false,
  newsPageIndex: false,
  restricted: false,
  businessCountry: null,
};

export interface ViewContext {
  readonly rules: RuleSet;
  readonly now: number;
  readonly lang: Lang;
  readonly timeZone?: string;
  readonly pages: PageFactsById;
}

export function contactView(c: Contact, ctx: ViewContext) {
  const w = windowView(contactToFacts(c), ctx.pages.get(c.pageId) ?? NO_PAGE, ctx.rules, ctx.now);
  const name = [c.firstName, c.lastName].filter((p) => p !== null && p !== '').join(' ');
  return {
    id: c.id,
    pageId: c.pageId,
    psid: c.psid,
    name: name === '' ? null : name,
    firstName: c.firstName,
    lastName: c.lastName,
    locale: c.locale,
    profilePic: c.profilePic,
    country: c.country,
    labels: c.labels,
    fields: c.fields,
    firstEntryPoint: c.firstEntryPoint,
    lastEntryPoint: c.lastEntryPoint,
    firstSeenAt: c.firstSeenAt,
    lastSeenAt: c.lastSeenAt,
    lastInboundAt: c.lastInboundAt,
    optedOut: c.optedOutAt !== null,
    blocked: c.blocked,
    marketingStatus: c.hasMarketingToken ? c.marketingStatus : null,
    window: {
      state: w.state,
      closesAt: w.closesAt,
      humanAgentUntil: w.humanAgentUntil,
      canDo: w.canDo.map((d) => ({ ...d, message: canDoText(d, ctx.lang, ctx.now, ctx.timeZone) })),
    },
  };
}
export type ContactView = ReturnType<typeof contactView>;

/** Who holds the thread: our app, Meta's Page Inbox, or another app (its id). */
export function threadOwnerOf(stored: string | null): string {
  if (stored === null || stored === 'app') return 'app';
  if (stored === PAGE_INBOX_APP_ID || stored === 'page_inbox') return 'page_inbox';
  return stored;
}

export function conversationView(
  conv: InboxConversation,
  contact: Contact,
  ctx: ViewContext,
  last: Message | null = null,
) {
  return {
    id: conv.id,
    contact: contactView(contact, ctx),
    pageId: conv.pageId,
    status: conv.status,
    assignedUserId: conv.assignedUserId,
    lastMessageAt: conv.lastMessageAt,
    lastInboundAt: conv.lastInboundAt,
    unreadCount: conv.unreadCount,
    handoffAt: conv.handoffAt,
    threadOwner: threadOwnerOf(conv.threadOwner),
    lastMessage: last === null ? null : messageView(last),
    createdAt: conv.createdAt,
    closedAt: conv.closedAt,
  };
}

/** An attachment as the inbox shows it: a picture, or a link named by its type. */
export interface AttachmentView {
  readonly type: string;
  /** Only http(s): the dashboard puts it in `src` and `href`. */
  readonly url: string | null;
  readonly title: string | null;
}

/**
 * The attachments a stored message keeps in its payload (inbound messages and echoes, as normalised;
 * sent ones, see outbound/content.ts `sentMessagePayload`). Anything malformed is left out.
 */
export function attachmentViews(payload: unknown): AttachmentView[] {
  const list = (payload as { attachments?: unknown } | null)?.attachments;
  if (!Array.isArray(list)) return [];
  const views: AttachmentView[] = [];
  for (const a of list as { type?: unknown; url?: unknown; title?: unknown }[]) {
    if (a === null || typeof a !== 'object' || typeof a.type !== 'string') continue;
    const url = typeof a.url === 'string' && /^https?:\/\//i.test(a.url) ? a.url : null;
    views.push({ type: a.type, url, title: typeof a.title === 'string' ? a.title : null });
  }
  return views;
}

/**
 * One line of a conversation. Replies typed in Meta's Page Inbox (echoes) are a person's replies:
 * `author: 'human'`, `via: 'page_inbox'`.
 */
export function messageView(m: Message, authorUserId: string | null = null) {
  const payload = (m.payload ?? {}) as { route?: unknown; send?: unknown };
  return {
    type: 'message' as const,
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    author: m.sender === 'contact' ? 'contact' : m.sender === 'bot' ? 'bot' : 'human',
    via: m.sender === 'page_inbox' ? 'page_inbox' : m.direction === 'out' ? 'ventana' : 'messenger',
    sender: m.sender,
    kind: m.kind,
    text: m.text,
    attachments: attachmentViews(payload),
    route: typeof payload.route === 'string' ? payload.route : null,
    outboxId: m.outboxId,
    authorUserId,
    createdAt: m.createdAt,
    deliveredAt: m.deliveredAt,
    readAt: m.readAt,
  };
}

export function noteView(n: InboxNote) {
  return {
    type: 'note' as const,
    id: n.id,
    conversationId: n.conversationId,
    authorUserId: n.authorUserId,
    text: n.text,
    createdAt: n.createdAt,
  };
}

/**
 * An agent's reply that is not a sent message (yet): queued or sending, or refused at dispatch (the
 * window closed meanwhile), failed or of unknown outcome, so the agent knows what became of it.
 */
export function pendingReplyView(r: AgentReplyRow) {
  const content = (r.content ?? {}) as { message?: { text?: unknown }; agentUserId?: unknown };
  const decision = (r.decision ?? {}) as { reasons?: unknown };
  const result = (r.result ?? {}) as { reason?: unknown };
  return {
    type: 'reply' as const,
    id: r.id,
    status: r.status,
    text: typeof content.message?.text === 'string' ? content.message.text : null,
    authorUserId: typeof content.agentUserId === 'string' ? content.agentUserId : null,
    reasons: Array.isArray(decision.reasons) ? decision.reasons : [],
    failure: typeof result.reason === 'string' ? result.reason : null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
