/**
 * What one normalised webhook event changes: the contact and its window, the conversation and its
 * messages, tokens, the Page's status. Runs after the body was persisted and split into events, in
 * Meta's timestamp order; every write is idempotent or order-safe, so a replayed event changes nothing.
 */
import type { InboundEvent } from '../messenger/events.ts';
import { inboundKindOf } from '../messenger/inbound-kind.ts';
import { outboxIdOfMetadata } from '../outbound/send-metadata.ts';
import type { RuleBook } from '../policy/rules/ruleset.ts';
import {
  contacts,
  conversations,
  entryPoints,
  messages,
  outbox,
  pages,
  type Queryable,
} from '../storage/index.ts';
import { type KeywordIntent, keywordIntent } from './opt-out.ts';
import { contactKey, type SliceContext } from './slice-context.ts';

export interface ApplyDeps {
  readonly database: Queryable;
  readonly rules: RuleBook;
  /** Encrypts tokens at rest. */
  readonly secretKey: Buffer;
  readonly now: () => number;
  /** Looks a Page up (the processor caches it briefly: every event needs it). Default: the database. */
  readonly pageOf?: (pageId: string) => Promise<pages.Page | undefined>;
  /** Told when a new contact appears, so its profile can be fetched (never awaited by ingest). */
  readonly onNewContact?: (pageId: string, psid: string, contactId: string) => void;
  /** Told when a person sent an opt-out or opt-in keyword, so a confirmation can be sent. */
  readonly onKeyword?: (contactId: string, intent: KeywordIntent) => void;
  /** What the processing slice already resolved for its events (apply-slice.ts); absent: per event. */
  readonly slice?: SliceContext;
}

export type ApplyOutcome =
  | { readonly ok: true; readonly note?: string }
  | { readonly ok: false; readonly error: string };

const OK: ApplyOutcome = { ok: true };

export function pageOf(deps: ApplyDeps, pageId: string): Promise<pages.Page | undefined> {
  return deps.pageOf ? deps.pageOf(pageId) : pages.getPage(deps.database, pageId);
}

export function entryPointOf(event: InboundEvent): string | undefined {
  const referral =
    event.kind === 'referral'
      ? event
      : event.kind === 'postback' || event.kind === 'message'
        ? event.referral
        : null;
  if (!referral) return undefined;
  if (referral.ref) return `ref:${referral.ref}`;
  if (referral.adId) return `ad:${referral.adId}`;
  return undefined;
}

/** Records the person's action on their contact; returns the contact id (created if new). */
async function recordAction(deps: ApplyDeps, event: InboundEvent, psid: string): Promise<string | null> {
  const kind = inboundKindOf(event);
  if (kind === null) return null;
  if (deps.slice?.folded.has(event)) {
    // Recorded by the slice's one upsert (apply-slice.ts), folded with the slice's other actions.
    const known = deps.slice.contacts.get(contactKey(event.pageId, psid));
    if (known !== undefined) return known;
  }
  const rules = deps.rules.at(event.timestamp || deps.now());
  const opensWindow = rules.ok && rules.ruleSet.params.standardWindow.opensOn.includes(kind);
  const result = await contacts.recordInbound(deps.database, {
    pageId: event.pageId,
    psid,
    at: event.timestamp || deps.now(),
    kind,
    opensWindow,
    adReferral: kind === 'ad_message',
    entryPoint: entryPointOf(event),
    now: deps.now(),
  });
  if (!result.ok) return null;
  if (result.created) deps.onNewContact?.(event.pageId, psid, result.contactId);
  return result.contactId;
}

async function storeMessage(
  deps: ApplyDeps,
  contactId: string,
  event: InboundEvent,
  input: {
    direction: 'in' | 'out';
    sender: 'contact' | 'human' | 'page_inbox' | 'bot';
    kind: string;
    mid: string | null;
    text: string | null;
    payload?: unknown;
    /** The outbox row an echo of our own send names. */
    outboxId?: string | null;
  },
): Promise<void> {
  const page = await pageOf(deps, event.pageId);
  if (!page) return;
  let conversation = deps.slice?.conversations.get(contactId);
  if (conversation === undefined) {
    conversation = await conversations.openConversation(deps.database, {
      workspaceId: page.workspaceId,
      contactId,
      pageId: event.pageId,
      now: deps.now(),
    });
    deps.slice?.conversations.set(contactId, conversation);
  }
  const at = event.timestamp || deps.now();
  // insertMessage moves the conversation forward (last message, unread count) when the message is new.
  await messages.insertMessage(deps.database, {
    conversationId: conversation.id,
    contactId,
    pageId: event.pageId,
    direction: input.direction,
    mid: input.mid,
    kind: input.kind,
    text: input.text,
    payload: (input.payload ?? null) as never,
    sender: input.sender,
    outboxId: input.outboxId ?? null,
    createdAt: at,
  });
}

/**
 * A stored message's kind from what it carries. Echoes are named the same way as inbound messages,
 * so the inbox shows an image typed in the Page Inbox as it shows one the person sent.
 */
function messageKind(content: {
  readonly quickReplyPayload?: string | null;
  readonly attachments: readonly unknown[];
}): 'quick_reply' | 'attachment' | 'text' {
  if (content.quickReplyPayload != null) return 'quick_reply';
  return content.attachments.length > 0 ? 'attachment' : 'text';
}

/** Applies one event. Unknown Pages and kinds are kept in the inbound log and otherwise ignored. */
export async function applyEvent(deps: ApplyDeps, event: InboundEvent): Promise<ApplyOutcome> {
  const page = await pageOf(deps, event.pageId);
  if (!page) return { ok: false, error: 'page_unknown' };
  const psid = event.senderIsUserRef ? null : event.contactId;
  const now = deps.now();

  switch (event.kind) {
    case 'message': {
      if (!psid) return OK;
      const contactId = await recordAction(deps, event, psid);
      if (!contactId) return OK;
      await storeMessage(deps, contactId, event, {
        direction: 'in',
        sender: 'contact',
        kind: messageKind(event),
        mid: event.mid,
        text: event.text,
        payload: {
          quickReply: event.quickReplyPayload,
          attachments: event.attachments,
          referral: event.referral,
        },
      });
      const intent = keywordIntent(event.text);
      if (intent !== null) {
        await contacts.setOptedOut(deps.database, contactId, intent === 'opt_out', event.timestamp || now);
        deps.onKeyword?.(contactId, intent);
      }
      return OK;
    }
    case 'postback':
    case 'referral':
    case 'reaction': {
      if (!psid) return OK;
      if (event.kind === 'reaction' && event.action === 'unreact') return OK;
      const contactId = await recordAction(deps, event, psid);
      if (contactId && event.kind === 'postback') {
        await storeMessage(deps, contactId, event, {
          direction: 'in',
          sender: 'contact',
          kind: 'postback',
          mid: event.mid,
          text: event.title,
          payload: { payload: event.payload, referral: event.referral },
        });
      }
      return OK;
    }
    case 'echo': {
      if (!psid) return OK;
      // Our own sends carry their outbox id as metadata (outbound/send-metadata.ts).
      const outboxId = event.fromPageInbox ? null : outboxIdOfMetadata(event.metadata);
      // A private reply's echo is where Meta first names a commenter's PSID: linked first, the
      // commenter is the contact this echo lands on.
      if (!event.fromPageInbox)
        await entryPoints.linkCommenterOfEcho(deps.database, {
          pageId: event.pageId,
          psid,
          outboxId,
          mid: event.mid,
          now,
        });
      const contact = await contacts.getContactByPsid(deps.database, event.pageId, psid);
      if (!contact) return { ok: true, note: 'echo_for_unknown_contact' };
      // Replies typed in Meta's Page Inbox are a human's; our own sends are already stored (same mid),
      // unless the echo came first: then its row names the outbox row, for crash recovery to find.
      await storeMessage(deps, contact.id, event, {
        direction: 'out',
        sender: event.fromPageInbox ? 'page_inbox' : 'bot',
        kind: messageKind(event),
        mid: event.mid,
        text: event.text,
        payload: { appId: event.appId, metadata: event.metadata, attachments: event.attachments },
        outboxId,
      });
      // Meta says the message left: a send reported 'unknown' is known now (storage/outbox-echo.ts).
      const confirmed =
        outboxId !== null &&
        (await outbox.settleUnknownByEcho(deps.database, {
          outboxId,
          pageId: event.pageId,
          contactId: contact.id,
          mid: event.mid,
          at: event.timestamp || now,
        }));
      return confirmed ? { ok: true, note: 'unknown_send_confirmed_by_echo' } : OK;
    }
    case 'optin':
      return applyOptin(deps, event, psid, now);
    case 'delivery':
    case 'read': {
      if (!psid || event.watermark === null) return OK;
      const contact = await contacts.getContactByPsid(deps.database, event.pageId, psid);
      if (contact) {
        await messages.applyWatermark(deps.database, {
          contactId: contact.id,
          kind: event.kind === 'delivery' ? 'delivered' : 'read',
          watermark: event.watermark,
          at: event.timestamp || now,
        });
      }
      return OK;
    }
    case 'handover': {
      if (!psid || event.action === 'app_roles' || event.action === 'request') return OK;
      const contact = await contacts.getContactByPsid(deps.database, event.pageId, psid);
      const conversation = contact
        ? await conversations.findOpenConversation(deps.database, contact.id)
        : undefined;
      if (conversation)
        await conversations.setThreadOwner(deps.database, conversation.id, event.newOwnerAppId, now);
      return OK;
    }
    case 'policy_enforcement': {
      // A block stops every send from the Page until Meta unblocks it; a warning is kept as the reason.
      if (event.action === 'block')
        await pages.setPageStatus(
          deps.database,
          event.pageId,
          'restricted',
          event.reason ?? 'policy_enforcement',
          now,
        );
      else if (event.action === 'unblock')
        await pages.setPageStatus(deps.database, event.pageId, 'active', null, now);
      else if (event.action === 'warning') return { ok: true, note: `policy_warning: ${event.reason ?? ''}` };
      return OK;
    }
    case 'edit':
    case 'comment':
    case 'template_status':
    case 'unknown':
      // Kept in the inbound log (comments feed private replies and entry points later).
      return OK;
    default: {
      const never: never = event;
      return { ok: false, error: `unhandled ${(never as InboundEvent).kind}` };
    }
  }
}

async function applyOptin(
  deps: ApplyDeps,
  event: Extract<InboundEvent, { kind: 'optin' }>,
  psid: string | null,
  now: number,
): Promise<ApplyOutcome> {
  if (!psid) return OK;
  const optin = event.optin;
  const at = event.timestamp || now;
  // A marketing opt-in does not open the window (rule data decides), but the contact must exist.
  const contactId =
    (await recordAction(deps, event, psid)) ??
    (await contacts.getContactByPsid(deps.database, event.pageId, psid))?.id ??
    (await createContact(deps, event.pageId, psid, now));
  if (!contactId) return OK;
  switch (optin.type) {
    case 'notification_messages': {
      if (optin.notificationMessagesStatus === 'STOP' || optin.notificationMessagesStatus === 'RESUME') {
        const stop = optin.notificationMessagesStatus === 'STOP';
        const known = await contacts.getContact(deps.database, contactId);
        if (optin.token && known && !known.hasMarketingToken) {
          // The opt-in itself never reached us: the status change carries the token, keep it with
          // its status so a STOP is honoured (and a RESUME usable) all the same.
          const token = { token: optin.token, expiresAt: optin.tokenExpiresAt, now: at };
          await contacts.setMarketingToken(deps.database, deps.secretKey, contactId, {
            ...token,
            status: stop ? 'stopped' : 'active',
          });
          await contacts.setLegacyToken(deps.database, deps.secretKey, contactId, {
            ...token,
            status: stop ? 'stopped' : 'active',
          });
          return OK;
        }
        await contacts.setMarketingStatus(deps.database, contactId, stop ? 'stopped' : 'active', at);
        await contacts.setLegacyTokenStatus(deps.database, contactId, stop ? 'stopped' : 'active', at);
        return OK;
      }
      if (!optin.token) return { ok: false, error: 'optin_without_token' };
      // One token serves both paths: the Marketing Message API reuses notification_messages tokens.
      const token = { token: optin.token, expiresAt: optin.tokenExpiresAt, now: at };
      await contacts.setMarketingToken(deps.database, deps.secretKey, contactId, token);
      await contacts.setLegacyToken(deps.database, deps.secretKey, contactId, token);
      return OK;
    }
    case 'one_time_notif_req':
      if (!optin.token) return { ok: false, error: 'optin_without_token' };
      await contacts.setOneTimeToken(deps.database, deps.secretKey, contactId, {
        token: optin.token,
        createdAt: at,
      });
      return OK;
    case 'plugin':
      return OK;
  }
}

async function createContact(
  deps: ApplyDeps,
  pageId: string,
  psid: string,
  now: number,
): Promise<string | null> {
  const page = await pageOf(deps, pageId);
  if (!page) return null;
  const contact = await contacts.upsertContact(deps.database, {
    workspaceId: page.workspaceId,
    pageId,
    psid,
    now,
  });
  deps.onNewContact?.(pageId, psid, contact.id);
  return contact.id;
}
