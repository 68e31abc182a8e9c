// Builds the exact JSON bodies Ventana POSTs to Meta (reference §1.2, §3.2–3.4):
// `POST /{version}/{PAGE_ID}/messages` for messages and sender actions, and
// `POST /{version}/act_<AD_ACCOUNT_ID>/messages` for the Marketing Message API.

import {
  type Button,
  collectOutboundProblems,
  type GenericElement,
  type OutboundMessage,
  type OutboundProblem,
  type ProblemLanguage,
  problemList,
  type QuickReply,
  SEND_LIMITS,
} from './outbound.ts';

/** Who receives a Send API message: exactly one identifier. */
export type SendRecipient =
  | { readonly id: string }
  | { readonly comment_id: string }
  | { readonly post_id: string }
  | { readonly user_ref: string }
  | { readonly notification_messages_token: string }
  | { readonly one_time_notif_token: string };

/** The identifier keys a {@link SendRecipient} can use. */
export const RECIPIENT_KEYS = [
  'id',
  'comment_id',
  'post_id',
  'user_ref',
  'notification_messages_token',
  'one_time_notif_token',
] as const;

/** `messaging_type` values. */
export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG' | 'UTILITY';
/** `notification_type` values. */
export type NotificationType = 'REGULAR' | 'SILENT_PUSH' | 'NO_PUSH';
/** Sender actions, each sent as its own request. */
export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

/** What {@link buildSendRequest} needs: the policy decision's `send` fields plus the content. */
export interface SendRequestInput {
  readonly recipient: SendRecipient;
  /** From the decision; null or absent leaves it out (required for PSID recipients, see the schema). */
  readonly messaging_type?: MessagingType | null;
  readonly tag?: string | null;
  readonly message: OutboundMessage;
  readonly notificationType?: NotificationType;
  readonly replyToMid?: string;
  readonly personaId?: string;
  /** Echoed back in `message_echoes`; < 1000 characters. */
  readonly metadata?: string;
}

/** A quick reply on the wire. */
export interface WireQuickReply {
  readonly content_type: 'text' | 'user_phone_number' | 'user_email';
  readonly title?: string;
  readonly payload?: string;
  readonly image_url?: string;
}

/** A button on the wire. */
export type WireButton =
  | {
      readonly type: 'web_url';
      readonly title: string;
      readonly url: string;
      readonly webview_height_ratio?: string;
    }
  | { readonly type: 'postback'; readonly title: string; readonly payload: string };

/** A template attachment payload on the wire. */
export type WireTemplatePayload =
  | { readonly template_type: 'button'; readonly text: string; readonly buttons: readonly WireButton[] }
  | {
      readonly template_type: 'generic';
      readonly elements: readonly {
        readonly title: string;
        readonly subtitle?: string;
        readonly image_url?: string;
        readonly default_action?: { readonly type: 'web_url'; readonly url: string };
        readonly buttons?: readonly WireButton[];
      }[];
      readonly image_aspect_ratio?: 'horizontal' | 'square';
    }
  | {
      readonly template_type: 'notification_messages';
      readonly title: string;
      readonly payload: string;
      readonly image_url?: string;
      readonly notification_messages_timezone?: string;
      readonly notification_messages_cta_text?: string;
      readonly image_aspect_ratio?: string;
    }
  | { readonly template_type: 'one_time_notif_req'; readonly title: string; readonly payload: string };

/** A utility template reference on the wire. */
export interface WireUtilityTemplate {
  readonly name: string;
  readonly language: { readonly code: string };
  readonly components: readonly {
    readonly type: 'body';
    readonly parameters: readonly {
      readonly type: 'text';
      readonly text: string;
      readonly parameter_name?: string;
    }[];
  }[];
}

/** `message` on the wire. */
export interface WireMessage {
  readonly text?: string;
  readonly attachment?:
    | { readonly type: 'template'; readonly payload: WireTemplatePayload }
    | {
        readonly type: 'image' | 'audio' | 'video' | 'file';
        readonly payload:
          | { readonly url: string; readonly is_reusable?: boolean }
          | { readonly attachment_id: string };
      };
  readonly template?: WireUtilityTemplate;
  readonly quick_replies?: readonly WireQuickReply[];
  readonly metadata?: string;
}

/** The JSON body of a Send API message request. */
export interface SendRequestBody {
  readonly recipient: SendRecipient;
  readonly messaging_type?: MessagingType;
  readonly tag?: string;
  readonly message: WireMessage;
  readonly notification_type?: NotificationType;
  readonly reply_to?: { readonly mid: string };
  readonly persona_id?: string;
}

/** The JSON body of a sender-action request. */
export interface SenderActionBody {
  readonly recipient: SendRecipient;
  readonly sender_action: SenderAction;
}

/** The JSON body of a Marketing Message API send. */
export interface MarketingMessageBody {
  readonly message_id: string;
  readonly messenger_delivery_data: { readonly subscription_token: string };
  readonly message: WireMessage;
  readonly min_conversation_gap_seconds?: number;
}

// Copies only the one identifier, so extra properties on the caller's object never leak onto the wire.
function wireRecipient(recipient: SendRecipient): SendRecipient {
  const r = recipient as Readonly<Record<string, unknown>>;
  for (const key of RECIPIENT_KEYS) {
    const value = r[key];
    if (typeof value === 'string') return { [key]: value } as SendRecipient;
  }
  return { id: '' };
}

function wireQuickReplies(list: readonly QuickReply[] | undefined): readonly WireQuickReply[] | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return list.map((qr) => {
    const out: { -readonly [K in keyof WireQuickReply]: WireQuickReply[K] } = {
      content_type: qr.contentType ?? 'text',
    };
    if (qr.title !== undefined) out.title = qr.title;
    if (qr.payload !== undefined) out.payload = qr.payload;
    if (qr.imageUrl !== undefined) out.image_url = qr.imageUrl;
    return out;
  });
}

function wireButton(button: Button): WireButton {
  switch (button.type) {
    case 'web_url':
      return button.webviewHeightRatio === undefined
        ? { type: 'web_url', title: button.title, url: button.url }
        : {
            type: 'web_url',
            title: button.title,
            url: button.url,
            webview_height_ratio: button.webviewHeightRatio,
          };
    case 'postback':
      return { type: 'postback', title: button.title, payload: button.payload };
    default: {
      const never: never = button;
      return never;
    }
  }
}

function wireElement(
  el: GenericElement,
): Extract<WireTemplatePayload, { template_type: 'generic' }>['elements'][number] {
  return {
    title: el.title,
    ...(el.subtitle !== undefined && { subtitle: el.subtitle }),
    ...(el.imageUrl !== undefined && { image_url: el.imageUrl }),
    ...(el.defaultActionUrl !== undefined && {
      default_action: { type: 'web_url' as const, url: el.defaultActionUrl },
    }),
    ...(el.buttons !== undefined && el.buttons.length > 0 && { buttons: el.buttons.map(wireButton) }),
  };
}

/**
 * The wire `message` object for an {@link OutboundMessage}, with `metadata` when given.
 *
 * @example buildWireMessage({ type: 'text', text: 'Hola' }) // { text: 'Hola' }
 */
export function buildWireMessage(message: OutboundMessage, metadata?: string): WireMessage {
  let out: WireMessage;
  switch (message.type) {
    case 'text':
      out = { text: message.text };
      break;
    case 'button_template':
      out = {
        attachment: {
          type: 'template',
          payload: { template_type: 'button', text: message.text, buttons: message.buttons.map(wireButton) },
        },
      };
      break;
    case 'generic_template':
      out = {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: message.elements.map(wireElement),
            ...(message.imageAspectRatio !== undefined && { image_aspect_ratio: message.imageAspectRatio }),
          },
        },
      };
      break;
    case 'attachment':
      out = {
        attachment: {
          type: message.attachmentType,
          payload:
            message.attachmentId !== undefined && message.attachmentId !== ''
              ? { attachment_id: message.attachmentId }
              : {
                  url: message.url ?? '',
                  ...(message.isReusable !== undefined && { is_reusable: message.isReusable }),
                },
        },
      };
      break;
    case 'utility_template':
      out = {
        template: {
          name: message.name,
          language: { code: message.language },
          components: [
            {
              type: 'body',
              parameters: (message.bodyParameters ?? []).map((p) =>
                typeof p === 'string'
                  ? { type: 'text' as const, text: p }
                  : { type: 'text' as const, text: p.text, parameter_name: p.name },
              ),
            },
          ],
        },
      };
      break;
    case 'notification_messages_optin':
      out = {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'notification_messages',
            title: message.title,
            payload: message.payload,
            ...(message.imageUrl !== undefined && { image_url: message.imageUrl }),
            ...(message.timezone !== undefined && { notification_messages_timezone: message.timezone }),
            ...(message.ctaText !== undefined && { notification_messages_cta_text: message.ctaText }),
            ...(message.imageAspectRatio !== undefined && { image_aspect_ratio: message.imageAspectRatio }),
          },
        },
      };
      break;
    case 'one_time_notif_request':
      out = {
        attachment: {
          type: 'template',
          payload: { template_type: 'one_time_notif_req', title: message.title, payload: message.payload },
        },
      };
      break;
    default: {
      const never: never = message;
      return never;
    }
  }
  const quickReplies = 'quickReplies' in message ? wireQuickReplies(message.quickReplies) : undefined;
  if (quickReplies === undefined && metadata === undefined) return out;
  return {
    ...out,
    ...(quickReplies !== undefined && { quick_replies: quickReplies }),
    ...(metadata !== undefined && { metadata }),
  };
}

/**
 * Builds the body of `POST /{version}/{PAGE_ID}/messages` from the decision's fields.
 * `messaging_type` and `tag` are copied as given (null or absent leaves them out), except that a
 * send to a `notification_messages_token` never carries a `messaging_type` (reference §3.2).
 * It does not validate: use {@link validateSendRequest} or `sendRequestSchema` for that.
 *
 * @example
 * buildSendRequest({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { type: 'text', text: 'Hola' } })
 * // { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Hola' } }
 */
export function buildSendRequest(input: SendRequestInput): SendRequestBody {
  const recipient = wireRecipient(input.recipient);
  // Built field by field so the key order matches Meta's examples (easier to read in logs).
  const body: { -readonly [K in keyof SendRequestBody]?: SendRequestBody[K] } = { recipient };
  if (input.messaging_type != null && !('notification_messages_token' in recipient)) {
    body.messaging_type = input.messaging_type;
  }
  if (input.tag != null && input.tag !== '') body.tag = input.tag;
  body.message = buildWireMessage(input.message, input.metadata);
  if (input.notificationType !== undefined) body.notification_type = input.notificationType;
  if (input.replyToMid !== undefined) body.reply_to = { mid: input.replyToMid };
  if (input.personaId !== undefined) body.persona_id = input.personaId;
  return body as SendRequestBody;
}

/**
 * Builds a sender-action request (`typing_on`, `typing_off`, `mark_seen`); Meta requires it to be
 * a separate request, never combined with a message.
 *
 * @example buildSenderAction({ id: psid }, 'typing_on') // { recipient: { id: psid }, sender_action: 'typing_on' }
 */
export function buildSenderAction(recipient: SendRecipient, action: SenderAction): SenderActionBody {
  return { recipient: wireRecipient(recipient), sender_action: action };
}

/** What {@link buildMarketingMessageRequest} needs. */
export interface MarketingMessageInput {
  /** The id returned by `POST /act_<id>/message_campaign`. */
  readonly campaignMessageId: string;
  readonly subscriptionToken: string;
  readonly message: OutboundMessage;
  /** Blocks the send when organic thread activity falls inside this gap (error 2300052). */
  readonly minConversationGapSeconds?: number;
}

/**
 * Builds the body of `POST /{version}/act_<AD_ACCOUNT_ID>/messages` (Marketing Message API, §3.3).
 *
 * @example buildMarketingMessageRequest({ campaignMessageId: '123', subscriptionToken: 'tok', message })
 */
export function buildMarketingMessageRequest(input: MarketingMessageInput): MarketingMessageBody {
  const body: MarketingMessageBody = {
    message_id: input.campaignMessageId,
    messenger_delivery_data: { subscription_token: input.subscriptionToken },
    message: buildWireMessage(input.message),
  };
  return input.minConversationGapSeconds === undefined
    ? body
    : { ...body, min_conversation_gap_seconds: input.minConversationGapSeconds };
}

/**
 * Checks a {@link SendRequestInput} before building it: the message limits of `validateOutbound`
 * plus the request rules: one non-empty recipient id; `messaging_type` present for PSID and
 * `user_ref` recipients; `MESSAGE_TAG` ⇔ `tag`;
 * `UTILITY` ⇔ a utility template; metadata < 1000 characters. Empty list when fine.
 */
export function validateSendRequest(
  input: SendRequestInput,
  { lang = 'en' }: { readonly lang?: ProblemLanguage } = {},
): readonly OutboundProblem[] {
  const out = problemList(lang);
  const r = input.recipient as Readonly<Record<string, unknown>>;
  const keys = RECIPIENT_KEYS.filter((k) => r[k] !== undefined);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || typeof r[key] !== 'string' || r[key] === '') {
    out.add('recipient', 'recipient_invalid');
  }
  const type = input.messaging_type ?? null;
  // A messaging_type given with a notification_messages_token is dropped by the builder, not an error.
  if ((key === 'id' || key === 'user_ref') && type === null) {
    out.add('messaging_type', 'messaging_type_required');
  }
  const hasTag = input.tag != null && input.tag !== '';
  if (type === 'MESSAGE_TAG' && !hasTag) out.add('tag', 'tag_required');
  if (type !== 'MESSAGE_TAG' && hasTag) out.add('tag', 'tag_without_message_tag');
  const isUtility = input.message.type === 'utility_template';
  if (type === 'UTILITY' && !isUtility) out.add('messaging_type', 'utility_requires_template');
  if (isUtility && type !== null && type !== 'UTILITY')
    out.add('messaging_type', 'template_requires_utility');
  if (input.metadata !== undefined && input.metadata.length >= SEND_LIMITS.metadataMaxExclusive) {
    out.add('metadata', 'metadata_too_long', { max: SEND_LIMITS.metadataMaxExclusive });
  }
  const messageProblems = problemList(lang);
  collectOutboundProblems(input.message, messageProblems);
  for (const p of messageProblems.items) out.items.push({ ...p, path: `message.${p.path}` });
  return out.items;
}
