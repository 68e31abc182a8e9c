/**
 * What an outbox row carries: the message to send plus what the policy needs to know about it
 * (who writes it, reply or update, an explicit tag, a private reply target). Stored as JSON.
 */
import type { OutboundMessage } from '../messenger/outbound.ts';
import type { Facts } from '../policy/index.ts';

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
}

/** The policy's view of a message: its visible text, buttons, quick replies, template. Pure. */
export function messageFacts(content: OutboxContent): Facts['message'] {
  const m = content.message;
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
