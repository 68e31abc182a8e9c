/**
 * The checks Meta's Send API applies to a request's shape before any policy: required fields,
 * recipient kinds, messaging_type/tag combinations, text and quick-reply limits, template limits.
 * Hand-written (no schema library) because this runs on the simulator's hot path: one call per send.
 * Independent of Ventana's own Send API schema on purpose: the simulator is a second opinion.
 */
import { type GraphFailure, invalidParam } from './graph-error.ts';

export type Recipient =
  | { readonly kind: 'id'; readonly value: string }
  | { readonly kind: 'user_ref'; readonly value: string }
  | { readonly kind: 'comment_id'; readonly value: string }
  | { readonly kind: 'post_id'; readonly value: string }
  | { readonly kind: 'notification_messages_token'; readonly value: string }
  | { readonly kind: 'one_time_notif_token'; readonly value: string }
  | { readonly kind: 'phone_number'; readonly value: string };

export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG' | 'UTILITY';

export interface ValidSend {
  readonly recipient: Recipient;
  readonly messagingType: MessagingType | null;
  readonly tag: string | null;
  readonly message: Readonly<Record<string, unknown>> | null;
  readonly senderAction: string | null;
  /** Audio or video attachment: counted against the 10/s media limit. */
  readonly media: boolean;
  /** `message.attachment.payload.template_type`, when the message is a template attachment. */
  readonly templateType: string | null;
  /** `message.template` (utility template send). */
  readonly utilityTemplate: { readonly name: string; readonly language: string | null } | null;
}

export type SendValidation =
  | { readonly ok: true; readonly send: ValidSend }
  | { readonly ok: false; readonly failure: GraphFailure };

const RECIPIENT_KINDS = [
  'id',
  'user_ref',
  'comment_id',
  'post_id',
  'notification_messages_token',
  'one_time_notif_token',
  'phone_number',
] as const;

const MESSAGING_TYPES: readonly string[] = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY'];
const SENDER_ACTIONS: readonly string[] = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];
const NOTIFICATION_TYPES: readonly string[] = ['REGULAR', 'SILENT_PUSH', 'NO_PUSH'];
const ATTACHMENT_TYPES: readonly string[] = ['audio', 'file', 'image', 'template', 'video'];
const QUICK_REPLY_TYPES: readonly string[] = ['text', 'user_phone_number', 'user_email'];
const BUTTON_TYPES: readonly string[] = [
  'web_url',
  'postback',
  'phone_number',
  'account_link',
  'account_unlink',
  'game_play',
  'element_share',
];

/** Text must be shorter than 2000 characters (reference §1.2). */
export const MAX_TEXT = 2000;
export const MAX_QUICK_REPLIES = 13;
export const MAX_METADATA = 1000;
export const MAX_BUTTON_TEXT = 640;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Form-encoded and query-string params carry objects as JSON text, as Meta's docs show. */
export function objectParam(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

function idString(v: unknown): string | null {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Characters as a person counts them: code points, not UTF-16 units (only computed near the limit). */
function charLength(s: string): number {
  if (s.length < MAX_TEXT) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function fail(message: string): SendValidation {
  return { ok: false, failure: invalidParam(message) };
}

function parseRecipient(raw: unknown): Recipient | string {
  const r = objectParam(raw);
  if (!isObj(r)) return 'The parameter recipient is required';
  let found: Recipient | null = null;
  for (const kind of RECIPIENT_KINDS) {
    const v = r[kind];
    if (v === undefined) continue;
    const value = idString(v);
    if (value === null) return `Invalid parameter: recipient.${kind}`;
    if (found !== null) return 'Only one recipient identifier may be specified';
    found = { kind, value };
  }
  return found ?? 'Invalid parameter: recipient must have one of id, user_ref, comment_id, post_id';
}

function checkButtons(buttons: unknown, where: string, min: number): string | null {
  if (!Array.isArray(buttons)) return min > 0 ? `param ${where}[buttons] must be a non-empty array` : null;
  if (buttons.length < min || buttons.length > 3) return `param ${where}[buttons] must have 1 to 3 buttons`;
  for (const b of buttons) {
    if (!isObj(b) || typeof b.type !== 'string' || !BUTTON_TYPES.includes(b.type)) {
      return `Invalid button type in ${where}[buttons]`;
    }
    if (b.type === 'web_url' && typeof b.url !== 'string') return `param ${where}[buttons][url] is required`;
    if ((b.type === 'postback' || b.type === 'phone_number') && typeof b.payload !== 'string') {
      return `param ${where}[buttons][payload] is required`;
    }
    if (b.type !== 'element_share' && b.type !== 'account_unlink' && typeof b.title !== 'string') {
      return `param ${where}[buttons][title] is required`;
    }
  }
  return null;
}

function checkTemplatePayload(p: Obj): string | null {
  const type = p.template_type;
  if (typeof type !== 'string') return 'param message[attachment][payload][template_type] is required';
  switch (type) {
    case 'button': {
      if (typeof p.text !== 'string' || p.text.length === 0) return 'param payload[text] is required';
      if (p.text.length > MAX_BUTTON_TEXT) return 'param payload[text] must be at most 640 characters';
      return checkButtons(p.buttons, 'payload', 1);
    }
    case 'generic': {
      if (!Array.isArray(p.elements) || p.elements.length < 1 || p.elements.length > 10) {
        return 'param payload[elements] must have 1 to 10 elements';
      }
      for (const e of p.elements) {
        if (!isObj(e) || typeof e.title !== 'string') return 'param payload[elements][title] is required';
        if (e.buttons !== undefined) {
          const err = checkButtons(e.buttons, 'payload[elements]', 0);
          if (err) return err;
        }
      }
      return null;
    }
    case 'media':
      return Array.isArray(p.elements) && p.elements.length === 1
        ? null
        : 'param payload[elements] must have exactly 1 element';
    case 'one_time_notif_req':
      return typeof p.title === 'string' && typeof p.payload === 'string'
        ? null
        : 'param payload[title] and payload[payload] are required';
    case 'notification_messages':
      return typeof p.payload === 'string' ? null : 'param payload[payload] is required';
    default:
      // receipt, customer_feedback, product, ... : accepted as-is.
      return null;
  }
}

function checkMessage(m: Obj): { error: string } | { media: boolean; templateType: string | null } {
  const kinds =
    (m.text !== undefined ? 1 : 0) +
    (m.attachment !== undefined ? 1 : 0) +
    (m.attachments !== undefined ? 1 : 0) +
    (m.sticker_id !== undefined ? 1 : 0) +
    (m.template !== undefined ? 1 : 0);
  if (kinds === 0) return { error: 'param message must be non-empty.' };
  if (kinds > 1)
    return { error: 'Only one of text, attachment, attachments, sticker_id or template is allowed' };
  let media = false;
  let templateType: string | null = null;
  if (m.text !== undefined) {
    if (typeof m.text !== 'string' || m.text.length === 0)
      return { error: 'param message[text] must be a string' };
    if (charLength(m.text) >= MAX_TEXT) {
      return { error: 'Length of param message[text] must be less than 2000 characters' };
    }
  } else if (m.attachment !== undefined) {
    const a = m.attachment;
    if (!isObj(a) || typeof a.type !== 'string' || !ATTACHMENT_TYPES.includes(a.type)) {
      return { error: 'param message[attachment][type] must be one of audio, file, image, template, video' };
    }
    if (!isObj(a.payload)) return { error: 'param message[attachment][payload] is required' };
    if (a.type === 'template') {
      const err = checkTemplatePayload(a.payload);
      if (err) return { error: err };
      templateType = a.payload.template_type as string;
    } else if (a.payload.url === undefined && a.payload.attachment_id === undefined) {
      return { error: 'param message[attachment][payload] needs url or attachment_id' };
    }
    media = a.type === 'audio' || a.type === 'video';
  } else if (m.attachments !== undefined) {
    if (!Array.isArray(m.attachments) || m.attachments.length < 1 || m.attachments.length > 30) {
      return { error: 'param message[attachments] must have 1 to 30 images' };
    }
    for (const a of m.attachments) {
      if (!isObj(a) || a.type !== 'image' || !isObj(a.payload)) {
        return { error: 'param message[attachments] accepts image attachments only' };
      }
    }
  } else if (m.template !== undefined) {
    const t = m.template;
    if (!isObj(t) || typeof t.name !== 'string' || t.name.length === 0) {
      return { error: 'param message[template][name] is required' };
    }
  } else if (typeof m.sticker_id !== 'number') {
    return { error: 'param message[sticker_id] must be a number' };
  }
  if (m.quick_replies !== undefined) {
    const q = m.quick_replies;
    if (!Array.isArray(q) || q.length === 0)
      return { error: 'param message[quick_replies] must be an array' };
    if (q.length > MAX_QUICK_REPLIES) {
      return { error: 'param message[quick_replies] must have at most 13 elements' };
    }
    for (const r of q) {
      if (!isObj(r) || typeof r.content_type !== 'string' || !QUICK_REPLY_TYPES.includes(r.content_type)) {
        return { error: 'Invalid quick reply content_type' };
      }
      if (r.content_type === 'text') {
        if (typeof r.title !== 'string' && typeof r.image_url !== 'string') {
          return { error: 'param message[quick_replies][title] is required' };
        }
        if (typeof r.payload !== 'string' && typeof r.payload !== 'number') {
          return { error: 'param message[quick_replies][payload] is required' };
        }
      }
    }
  }
  if (m.metadata !== undefined && (typeof m.metadata !== 'string' || m.metadata.length >= MAX_METADATA)) {
    return { error: 'param message[metadata] must be a string shorter than 1000 characters' };
  }
  return { media, templateType };
}

/** Validates a Send API request; `params` is the JSON body merged with query/form params. */
export function validateSend(params: Readonly<Record<string, unknown>>): SendValidation {
  const recipient = parseRecipient(params.recipient);
  if (typeof recipient === 'string') return fail(recipient);

  const rawMessage = objectParam(params.message);
  const senderAction = params.sender_action;
  if (rawMessage !== undefined && senderAction !== undefined) {
    return fail('sender_action must be sent alone, without message');
  }
  if (rawMessage === undefined && senderAction === undefined) return fail('param message must be non-empty.');

  const notificationType = params.notification_type;
  if (
    notificationType !== undefined &&
    (typeof notificationType !== 'string' || !NOTIFICATION_TYPES.includes(notificationType))
  ) {
    return fail('param notification_type must be one of REGULAR, SILENT_PUSH, NO_PUSH');
  }

  const mt = params.messaging_type;
  if (mt !== undefined && (typeof mt !== 'string' || !MESSAGING_TYPES.includes(mt))) {
    return fail('param messaging_type must be one of RESPONSE, UPDATE, MESSAGE_TAG, UTILITY');
  }
  const messagingType = (mt as MessagingType | undefined) ?? null;
  const tag = params.tag;
  if (tag !== undefined && typeof tag !== 'string') return fail('param tag must be a string');
  if (messagingType === 'MESSAGE_TAG' && tag === undefined)
    return fail('param tag is required for MESSAGE_TAG');
  if (tag !== undefined && messagingType !== 'MESSAGE_TAG') {
    return fail('param tag is only allowed with messaging_type MESSAGE_TAG');
  }

  if (senderAction !== undefined) {
    if (typeof senderAction !== 'string' || !SENDER_ACTIONS.includes(senderAction)) {
      return fail('param sender_action must be one of typing_on, typing_off, mark_seen, react, unreact');
    }
    if (recipient.kind !== 'id') return fail('sender_action requires recipient.id');
    return {
      ok: true,
      send: {
        recipient,
        messagingType,
        tag: tag ?? null,
        message: null,
        senderAction,
        media: false,
        templateType: null,
        utilityTemplate: null,
      },
    };
  }

  // Sends addressed to a person need a messaging_type; private replies and token sends do not.
  if (messagingType === null && (recipient.kind === 'id' || recipient.kind === 'user_ref')) {
    return fail('param messaging_type is required');
  }
  if (!isObj(rawMessage)) return fail('param message must be a JSON object');
  const checked = checkMessage(rawMessage);
  if ('error' in checked) return fail(checked.error);

  const t = rawMessage.template;
  const utilityTemplate = isObj(t)
    ? {
        name: t.name as string,
        language: isObj(t.language) && typeof t.language.code === 'string' ? t.language.code : null,
      }
    : null;
  if (messagingType === 'UTILITY' && utilityTemplate === null) {
    return fail('messaging_type UTILITY requires message[template]');
  }
  if (utilityTemplate !== null && messagingType !== 'UTILITY') {
    return fail('message[template] requires messaging_type UTILITY');
  }
  return {
    ok: true,
    send: {
      recipient,
      messagingType,
      tag: tag ?? null,
      message: rawMessage,
      senderAction: null,
      media: checked.media,
      templateType: checked.templateType,
      utilityTemplate,
    },
  };
}
