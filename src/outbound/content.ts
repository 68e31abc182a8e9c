/**
 * What an outbox row carries: the message to send plus what the policy needs to know about it
 * (who writes it, reply or update, an explicit tag, a private reply target). Stored as JSON.
 */
import type { InboundAttachment } from '../messenger/events.ts';
import type { OutboundMessage } from '../messenger/outbound.ts';
import type { Decision, Facts } from '../policy/index.ts';

export interface OutboxContent {
  readonly message: OutboundMessage;
  /** A human agent (HUMAN_AGENT is only ever for people) or automation. Default 'bot'. */
  readonly sender?: 'bot' | 'human';
  /** RESPONSE (a reply) or UPDATE (proactive). Default 'update'. */
  readonly purpose?: 'response' | 'update';
  readonly tag?: string | null;
  readonly privateReply?: {
    readonly commentId?: string;
    readonly postId?: string;
    readonly createdAt: number;
    readonly alreadyReplied?: boolean;
  } | null;
  /**
   * Tracked redirect URL → original destination, set by `trackLinks` (src/links/track.ts). The
   * policy judges the originals: a tracked shop link is still a shop link.
   */
  readonly trackedLinks?: Readonly<Record<string, string>> | null;
  /**
   * The message still holds placeholders (`{{first_name|…}}`) to render when it leaves: automation
   * answering a brand-new person writes before their profile (name) has been fetched.
   */
  readonly personalize?: boolean;
}

/** The message as written, before its links were replaced by tracked redirects. Pure. */
export function untrackedMessage(content: OutboxContent): OutboundMessage {
  const map = content.trackedLinks;
  const m = content.message;
  if (!map) return m;
  const tracked = Object.keys(map);
  if (tracked.length === 0) return m;
  const url = (u: string): string => map[u] ?? u;
  const text = (t: string): string => {
    let out = t;
    // Longest first: one tracked URL is never a prefix of another (codes have one length), but be safe.
    for (const k of [...tracked].sort((a, b) => b.length - a.length)) out = out.split(k).join(map[k]!);
    return out;
  };
  const buttons = <B extends { type: string; url?: string }>(bs: readonly B[]): B[] =>
    bs.map((b) => (b.type === 'web_url' && b.url !== undefined ? { ...b, url: url(b.url) } : b));
  switch (m.type) {
    case 'text':
      return { ...m, text: text(m.text) };
    case 'button_template':
      return { ...m, text: text(m.text), buttons: buttons(m.buttons) };
    case 'generic_template':
      return {
        ...m,
        elements: m.elements.map((e) => ({
          ...e,
          ...(e.defaultActionUrl !== undefined ? { defaultActionUrl: url(e.defaultActionUrl) } : {}),
          ...(e.buttons !== undefined ? { buttons: buttons(e.buttons) } : {}),
        })),
      };
    default:
      return m;
  }
}

/** The policy's view of a message: its visible text, buttons, quick replies, template. Pure. */
export function messageFacts(content: OutboxContent): Facts['message'] {
  const m = untrackedMessage(content);
  let text: string | null = null;
  let buttons: Facts['message']['buttons'] = [];
  let template: Facts['message']['template'] = null;
  switch (m.type) {
    case 'text':
      text = m.text;
      break;
    case 'button_template':
      text = m.text;
      buttons = m.buttons.map((b) =>
        b.type === 'web_url'
          ? { type: b.type, title: b.title, url: b.url }
          : { type: b.type, title: b.title, payload: b.payload },
      );
      break;
    case 'generic_template':
      text = m.elements.map((e) => [e.title, e.subtitle].filter(Boolean).join('\n')).join('\n');
      buttons = m.elements.flatMap((e) => [
        ...(e.defaultActionUrl ? [{ type: 'web_url', url: e.defaultActionUrl }] : []),
        ...(e.buttons ?? []).map((b) =>
          b.type === 'web_url'
            ? { type: b.type, title: b.title, url: b.url }
            : { type: b.type, title: b.title, payload: b.payload },
        ),
      ]);
      break;
    case 'utility_template':
      template = {
        category: 'UTILITY',
        name: m.name,
        parameters: (m.bodyParameters ?? []).map((p) => (typeof p === 'string' ? p : p.text)),
      };
      break;
    case 'notification_messages_optin':
    case 'one_time_notif_request':
      text = m.title;
      break;
    case 'attachment':
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message type ${(never as { type: string }).type}`);
    }
  }
  const quickReplies =
    'quickReplies' in m && m.quickReplies
      ? m.quickReplies.map((q) => ({ title: q.title, payload: q.payload }))
      : [];
  const pr = content.privateReply;
  return {
    sender: content.sender ?? 'bot',
    purpose: content.purpose ?? 'update',
    text,
    buttons,
    quickReplies,
    tag: content.tag ?? null,
    template,
    privateReply: pr
      ? {
          commentId: pr.commentId ?? null,
          postId: pr.postId ?? null,
          createdAt: pr.createdAt,
          alreadyReplied: pr.alreadyReplied ?? false,
        }
      : null,
    promotional: null,
    ...(m.type === 'notification_messages_optin' && { optinRequest: true }),
  };
}

/**
 * What the stored copy of a sent message keeps: the route and send fields it went with and, for an
 * attachment, what the inbox shows of it (the same shape as an inbound attachment's). Pure.
 */
export function sentMessagePayload(content: OutboxContent, decision: Decision) {
  const m = content.message;
  return {
    route: decision.route,
    send: decision.send,
    ...(m.type === 'attachment' && {
      attachments: [
        { type: m.attachmentType, url: m.url ?? null, title: null, stickerId: null },
      ] satisfies InboundAttachment[],
    }),
  };
}
