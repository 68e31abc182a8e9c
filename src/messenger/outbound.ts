// What Ventana can send, as a closed union, plus client-side checks of Meta's documented limits
// (reference §1.2, §3.1, §3.2, §3.4) so a bad message is refused before it costs a Graph call.

/** Meta's documented (or conservatively assumed) limits for Send API content. */
export const SEND_LIMITS = Object.freeze({
  /** `message.text`: "< 2000 chars" (counted in UTF-16 units, which is never fewer than characters). */
  textMaxExclusive: 2000,
  /** `message.metadata`: "< 1000 chars". */
  metadataMaxExclusive: 1000,
  quickRepliesMax: 13,
  quickReplyTitleMax: 20,
  payloadMax: 1000,
  buttonTemplateTextMax: 640,
  buttonsMin: 1,
  buttonsMax: 3,
  buttonTitleMax: 20,
  genericElementsMax: 10,
  elementTitleMax: 80,
  elementSubtitleMax: 80,
  optinTitleMax: 65,
  attachmentsMax: 30,
});

/** A quick reply under a message. `text` replies need a title and a payload. */
export interface QuickReply {
  readonly contentType?: 'text' | 'user_phone_number' | 'user_email';
  readonly title?: string;
  readonly payload?: string;
  readonly imageUrl?: string;
}

/** A button of a button template or a generic-template element. */
export type Button =
  | {
      readonly type: 'web_url';
      readonly title: string;
      readonly url: string;
      readonly webviewHeightRatio?: 'compact' | 'tall' | 'full';
    }
  | { readonly type: 'postback'; readonly title: string; readonly payload: string };

/** One card of a generic template. */
export interface GenericElement {
  readonly title: string;
  readonly subtitle?: string;
  readonly imageUrl?: string;
  /** Opens this URL when the card itself is tapped. */
  readonly defaultActionUrl?: string;
  readonly buttons?: readonly Button[];
}

/** A body parameter of a utility template: positional text, or named (`parameter_format: NAMED`). */
export type UtilityParameter = string | { readonly name: string; readonly text: string };

/** Everything Ventana sends through the Send API, discriminated on `type`. */
export type OutboundMessage =
  | { readonly type: 'text'; readonly text: string; readonly quickReplies?: readonly QuickReply[] }
  | {
      readonly type: 'button_template';
      readonly text: string;
      readonly buttons: readonly Button[];
      readonly quickReplies?: readonly QuickReply[];
    }
  | {
      readonly type: 'generic_template';
      readonly elements: readonly GenericElement[];
      readonly imageAspectRatio?: 'horizontal' | 'square';
      readonly quickReplies?: readonly QuickReply[];
    }
  | {
      readonly type: 'attachment';
      readonly attachmentType: 'image' | 'audio' | 'video' | 'file';
      /** Exactly one of `url` and `attachmentId`. */
      readonly url?: string;
      readonly attachmentId?: string;
      readonly isReusable?: boolean;
      readonly quickReplies?: readonly QuickReply[];
    }
  | {
      readonly type: 'utility_template';
      readonly name: string;
      /** Template language code, e.g. `es` or `en_US`. */
      readonly language: string;
      readonly bodyParameters?: readonly UtilityParameter[];
    }
  | {
      readonly type: 'notification_messages_optin';
      /** At most 65 characters. */
      readonly title: string;
      readonly payload: string;
      readonly imageUrl?: string;
      readonly timezone?: string;
      readonly ctaText?: 'ALLOW' | 'GET' | 'GET_UPDATES' | 'OPT_IN' | 'SIGN_UP';
      readonly imageAspectRatio?: 'HORIZONTAL' | 'SQUARE' | 'VERTICAL';
    }
  | { readonly type: 'one_time_notif_request'; readonly title: string; readonly payload: string };

/** Stable codes for problems with an outbound message or request. */
export const OUTBOUND_PROBLEM_CODES = [
  'text_empty',
  'text_too_long',
  'metadata_too_long',
  'quick_replies_too_many',
  'quick_reply_title_missing',
  'quick_reply_title_too_long',
  'quick_reply_payload_missing',
  'payload_too_long',
  'buttons_count',
  'button_title_missing',
  'button_title_too_long',
  'url_invalid',
  'payload_missing',
  'elements_count',
  'element_title_missing',
  'element_title_too_long',
  'element_subtitle_too_long',
  'attachment_source',
  'template_name_missing',
  'template_language_missing',
  'template_parameter_empty',
  'optin_title_missing',
  'optin_title_too_long',
  'messaging_type_required',
  'tag_required',
  'tag_without_message_tag',
  'utility_requires_template',
  'template_requires_utility',
  'recipient_invalid',
] as const;

/** One of {@link OUTBOUND_PROBLEM_CODES}. */
export type OutboundProblemCode = (typeof OUTBOUND_PROBLEM_CODES)[number];

/** A problem found by {@link validateOutbound}: `path` points into the message, e.g. `quickReplies[2].title`. */
export interface OutboundProblem {
  readonly path: string;
  readonly code: OutboundProblemCode;
  readonly message: string;
}

/** Languages the problem messages exist in. */
export type ProblemLanguage = 'es' | 'en';

type Params = { readonly max?: number; readonly min?: number };

/** Problem messages for every code in every language (a test checks parity). */
export const OUTBOUND_PROBLEM_MESSAGES: Readonly<
  Record<ProblemLanguage, Readonly<Record<OutboundProblemCode, (p: Params) => string>>>
> = {
  en: {
    text_empty: () => 'The text is empty.',
    text_too_long: (p) => `The text must be shorter than ${p.max} characters.`,
    metadata_too_long: (p) => `The metadata must be shorter than ${p.max} characters.`,
    quick_replies_too_many: (p) => `At most ${p.max} quick replies are allowed.`,
    quick_reply_title_missing: () => 'A text quick reply needs a title.',
    quick_reply_title_too_long: (p) => `A quick reply title can have at most ${p.max} characters.`,
    quick_reply_payload_missing: () => 'A text quick reply needs a payload.',
    payload_too_long: (p) => `The payload can have at most ${p.max} characters.`,
    buttons_count: (p) => `Between ${p.min} and ${p.max} buttons are required.`,
    button_title_missing: () => 'A button needs a title.',
    button_title_too_long: (p) => `A button title can have at most ${p.max} characters.`,
    url_invalid: () => 'The link must be a valid http(s) URL.',
    payload_missing: () => 'A payload is required.',
    elements_count: (p) => `Between ${p.min} and ${p.max} cards are required.`,
    element_title_missing: () => 'A card needs a title.',
    element_title_too_long: (p) => `A card title can have at most ${p.max} characters.`,
    element_subtitle_too_long: (p) => `A card subtitle can have at most ${p.max} characters.`,
    attachment_source: () => 'An attachment needs exactly one of a URL or an attachment id.',
    template_name_missing: () => 'The template name is missing.',
    template_language_missing: () => 'The template language is missing.',
    template_parameter_empty: () => 'A template parameter is empty.',
    optin_title_missing: () => 'The opt-in request needs a title.',
    optin_title_too_long: (p) => `The opt-in title can have at most ${p.max} characters.`,
    messaging_type_required: () => 'This recipient needs a messaging_type.',
    tag_required: () => 'messaging_type MESSAGE_TAG needs a tag.',
    tag_without_message_tag: () => 'A tag is only allowed with messaging_type MESSAGE_TAG.',
    utility_requires_template: () => 'messaging_type UTILITY needs a utility template.',
    template_requires_utility: () => 'A utility template must be sent with messaging_type UTILITY.',
    recipient_invalid: () => 'The recipient needs exactly one non-empty identifier.',
  },
  es: {
    text_empty: () => 'El texto está vacío.',
    text_too_long: (p) => `El texto debe tener menos de ${p.max} caracteres.`,
    metadata_too_long: (p) => `Los metadatos deben tener menos de ${p.max} caracteres.`,
    quick_replies_too_many: (p) => `Se permiten como máximo ${p.max} respuestas rápidas.`,
    quick_reply_title_missing: () => 'Una respuesta rápida de texto necesita un título.',
    quick_reply_title_too_long: (p) =>
      `El título de una respuesta rápida admite como máximo ${p.max} caracteres.`,
    quick_reply_payload_missing: () => 'Una respuesta rápida de texto necesita un payload.',
    payload_too_long: (p) => `El payload admite como máximo ${p.max} caracteres.`,
    buttons_count: (p) => `Se necesitan entre ${p.min} y ${p.max} botones.`,
    button_title_missing: () => 'Un botón necesita un título.',
    button_title_too_long: (p) => `El título de un botón admite como máximo ${p.max} caracteres.`,
    url_invalid: () => 'El enlace debe ser una URL http(s) válida.',
    payload_missing: () => 'Falta el payload.',
    elements_count: (p) => `Se necesitan entre ${p.min} y ${p.max} tarjetas.`,
    element_title_missing: () => 'Una tarjeta necesita un título.',
    element_title_too_long: (p) => `El título de una tarjeta admite como máximo ${p.max} caracteres.`,
    element_subtitle_too_long: (p) => `El subtítulo de una tarjeta admite como máximo ${p.max} caracteres.`,
    attachment_source: () => 'Un adjunto necesita exactamente una URL o un id de adjunto.',
    template_name_missing: () => 'Falta el nombre de la plantilla.',
    template_language_missing: () => 'Falta el idioma de la plantilla.',
    template_parameter_empty: () => 'Un parámetro de la plantilla está vacío.',
    optin_title_missing: () => 'La solicitud de suscripción necesita un título.',
    optin_title_too_long: (p) => `El título de la suscripción admite como máximo ${p.max} caracteres.`,
    messaging_type_required: () => 'Este destinatario necesita un messaging_type.',
    tag_required: () => 'messaging_type MESSAGE_TAG necesita una etiqueta (tag).',
    tag_without_message_tag: () => 'Una etiqueta (tag) solo se permite con messaging_type MESSAGE_TAG.',
    utility_requires_template: () => 'messaging_type UTILITY necesita una plantilla de utilidad.',
    template_requires_utility: () => 'Una plantilla de utilidad se envía con messaging_type UTILITY.',
    recipient_invalid: () => 'El destinatario necesita exactamente un identificador no vacío.',
  },
};

/** Collects problems in one language; shared with the request-level checks in send-request.ts. */
export interface ProblemList {
  readonly items: OutboundProblem[];
  /** Records a problem at `path`. */
  add(path: string, code: OutboundProblemCode, params?: Params): void;
}

/** A new, empty {@link ProblemList} whose messages are in `lang`. */
export function problemList(lang: ProblemLanguage): ProblemList {
  const items: OutboundProblem[] = [];
  const messages = OUTBOUND_PROBLEM_MESSAGES[lang];
  return {
    items,
    add: (path, code, params = {}) => {
      items.push({ path, code, message: messages[code](params) });
    },
  };
}

function isHttpUrl(value: string): boolean {
  if (!value.startsWith('https://') && !value.startsWith('http://')) return false;
  return URL.canParse(value);
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function checkQuickReplies(list: readonly QuickReply[] | undefined, out: ProblemList): void {
  if (list === undefined) return;
  if (list.length > SEND_LIMITS.quickRepliesMax) {
    out.add('quickReplies', 'quick_replies_too_many', { max: SEND_LIMITS.quickRepliesMax });
  }
  list.forEach((qr, i) => {
    const path = `quickReplies[${i}]`;
    if ((qr.contentType ?? 'text') === 'text') {
      if (qr.title === undefined || qr.title.trim() === '')
        out.add(`${path}.title`, 'quick_reply_title_missing');
      if (qr.payload === undefined || qr.payload === '')
        out.add(`${path}.payload`, 'quick_reply_payload_missing');
    }
    if (qr.title !== undefined && qr.title.length > SEND_LIMITS.quickReplyTitleMax) {
      out.add(`${path}.title`, 'quick_reply_title_too_long', { max: SEND_LIMITS.quickReplyTitleMax });
    }
    if (qr.payload !== undefined && qr.payload.length > SEND_LIMITS.payloadMax) {
      out.add(`${path}.payload`, 'payload_too_long', { max: SEND_LIMITS.payloadMax });
    }
    if (qr.imageUrl !== undefined && !isHttpUrl(qr.imageUrl)) out.add(`${path}.imageUrl`, 'url_invalid');
  });
}

function checkButtons(
  buttons: readonly Button[] | undefined,
  prefix: string,
  required: boolean,
  out: ProblemList,
): void {
  const count = buttons?.length ?? 0;
  if ((required && count < SEND_LIMITS.buttonsMin) || count > SEND_LIMITS.buttonsMax) {
    out.add(join(prefix, 'buttons'), 'buttons_count', {
      min: required ? SEND_LIMITS.buttonsMin : 0,
      max: SEND_LIMITS.buttonsMax,
    });
  }
  buttons?.forEach((button, i) => {
    const path = join(prefix, `buttons[${i}]`);
    if (button.title.trim() === '') out.add(`${path}.title`, 'button_title_missing');
    if (button.title.length > SEND_LIMITS.buttonTitleMax) {
      out.add(`${path}.title`, 'button_title_too_long', { max: SEND_LIMITS.buttonTitleMax });
    }
    switch (button.type) {
      case 'web_url':
        if (!isHttpUrl(button.url)) out.add(`${path}.url`, 'url_invalid');
        break;
      case 'postback':
        if (button.payload === '') out.add(`${path}.payload`, 'payload_missing');
        if (button.payload.length > SEND_LIMITS.payloadMax) {
          out.add(`${path}.payload`, 'payload_too_long', { max: SEND_LIMITS.payloadMax });
        }
        break;
      default: {
        // Exhaustiveness check: a new button type must be validated here.
        const never: never = button;
        void never;
      }
    }
  });
}

function checkText(text: string, path: string, max: number, exclusive: boolean, out: ProblemList): void {
  if (text.trim() === '') out.add(path, 'text_empty');
  else if (exclusive ? text.length >= max : text.length > max) out.add(path, 'text_too_long', { max });
}

function checkOptin(title: string, payload: string, out: ProblemList): void {
  if (title.trim() === '') out.add('title', 'optin_title_missing');
  if (title.length > SEND_LIMITS.optinTitleMax)
    out.add('title', 'optin_title_too_long', { max: SEND_LIMITS.optinTitleMax });
  if (payload === '') out.add('payload', 'payload_missing');
  if (payload.length > SEND_LIMITS.payloadMax)
    out.add('payload', 'payload_too_long', { max: SEND_LIMITS.payloadMax });
}

/** Adds the problems of `message` to `out` (used by both validators). */
export function collectOutboundProblems(message: OutboundMessage, out: ProblemList): void {
  switch (message.type) {
    case 'text':
      checkText(message.text, 'text', SEND_LIMITS.textMaxExclusive, true, out);
      checkQuickReplies(message.quickReplies, out);
      return;
    case 'button_template':
      checkText(message.text, 'text', SEND_LIMITS.buttonTemplateTextMax, false, out);
      checkButtons(message.buttons, '', true, out);
      checkQuickReplies(message.quickReplies, out);
      return;
    case 'generic_template': {
      const n = message.elements.length;
      if (n < 1 || n > SEND_LIMITS.genericElementsMax) {
        out.add('elements', 'elements_count', { min: 1, max: SEND_LIMITS.genericElementsMax });
      }
      message.elements.forEach((el, i) => {
        const path = `elements[${i}]`;
        if (el.title.trim() === '') out.add(`${path}.title`, 'element_title_missing');
        if (el.title.length > SEND_LIMITS.elementTitleMax) {
          out.add(`${path}.title`, 'element_title_too_long', { max: SEND_LIMITS.elementTitleMax });
        }
        if (el.subtitle !== undefined && el.subtitle.length > SEND_LIMITS.elementSubtitleMax) {
          out.add(`${path}.subtitle`, 'element_subtitle_too_long', { max: SEND_LIMITS.elementSubtitleMax });
        }
        if (el.imageUrl !== undefined && !isHttpUrl(el.imageUrl)) out.add(`${path}.imageUrl`, 'url_invalid');
        if (el.defaultActionUrl !== undefined && !isHttpUrl(el.defaultActionUrl)) {
          out.add(`${path}.defaultActionUrl`, 'url_invalid');
        }
        checkButtons(el.buttons, path, false, out);
      });
      checkQuickReplies(message.quickReplies, out);
      return;
    }
    case 'attachment': {
      const hasUrl = message.url !== undefined && message.url !== '';
      const hasId = message.attachmentId !== undefined && message.attachmentId !== '';
      if (hasUrl === hasId) out.add('url', 'attachment_source');
      else if (hasUrl && !isHttpUrl(message.url as string)) out.add('url', 'url_invalid');
      checkQuickReplies(message.quickReplies, out);
      return;
    }
    case 'utility_template':
      if (message.name.trim() === '') out.add('name', 'template_name_missing');
      if (message.language.trim() === '') out.add('language', 'template_language_missing');
      message.bodyParameters?.forEach((p, i) => {
        const value = typeof p === 'string' ? p : p.text;
        if (value.trim() === '') out.add(`bodyParameters[${i}]`, 'template_parameter_empty');
      });
      return;
    case 'notification_messages_optin':
      checkOptin(message.title, message.payload, out);
      if (message.imageUrl !== undefined && !isHttpUrl(message.imageUrl)) out.add('imageUrl', 'url_invalid');
      return;
    case 'one_time_notif_request':
      checkOptin(message.title, message.payload, out);
      return;
    default: {
      // Exhaustiveness check: a new message type must be validated here.
      const never: never = message;
      void never;
    }
  }
}

/**
 * Checks an outbound message against Meta's limits (text < 2000, ≤ 13 quick replies with titles
 * ≤ 20, button template text ≤ 640 with 1–3 buttons, ≤ 10 generic cards, opt-in titles ≤ 65…).
 * Returns an empty list when the message is fine. Messages are in `lang` (default English).
 *
 * @example validateOutbound({ type: 'text', text: '' }) // [{ path: 'text', code: 'text_empty', … }]
 */
export function validateOutbound(
  message: OutboundMessage,
  { lang = 'en' }: { readonly lang?: ProblemLanguage } = {},
): readonly OutboundProblem[] {
  const out = problemList(lang);
  collectOutboundProblems(message, out);
  return out.items;
}
