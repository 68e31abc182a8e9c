/** Every word the inbox API says to a person, in Spanish and English, keyed by stable codes. */
import { catalogFor, formatMoment, type Lang } from '../policy/index.ts';
import type { CanDo, CanDoCode } from './window.ts';

export const INBOX_PROBLEM_CODES = [
  'invalid_field',
  'conversation_not_found',
  'contact_not_found',
  'canned_reply_not_found',
  'person_not_found',
  'no_user_for_self',
  'assignee_not_member',
  'thread_owned_by_page_inbox',
  'reply_refused',
  'conversation_open_elsewhere',
  'handover_failed',
  'page_not_connected',
  'demo_not_running',
] as const;
export type InboxProblemCode = (typeof INBOX_PROBLEM_CODES)[number];

type Texts<K extends string> = Readonly<Record<Lang, Readonly<Record<K, string>>>>;

const PROBLEMS: Texts<InboxProblemCode> = {
  en: {
    invalid_field: '{field}: {detail}',
    conversation_not_found: 'No conversation {id} in this workspace',
    contact_not_found: 'No contact {id} in this workspace',
    canned_reply_not_found: 'No canned reply {id} in this workspace',
    person_not_found: 'No demo person {id}',
    no_user_for_self:
      'The installation token is not a person: it cannot be "me". Sign in as a user or name the userId',
    assignee_not_member: 'User {id} is not a member of this workspace',
    thread_owned_by_page_inbox:
      'The Page Inbox controls this conversation: take it back (handover to "app") before replying here',
    reply_refused: 'This reply may not be sent now: {why}',
    conversation_open_elsewhere: 'This contact already has another open conversation ({id})',
    handover_failed: 'Meta refused the handover: {detail}',
    page_not_connected: 'The Page has no access token: connect it again',
    demo_not_running: 'Demo mode is not running',
  },
  es: {
    invalid_field: '{field}: {detail}',
    conversation_not_found: 'No hay ninguna conversación {id} en este espacio de trabajo',
    contact_not_found: 'No hay ningún contacto {id} en este espacio de trabajo',
    canned_reply_not_found: 'No hay ninguna respuesta guardada {id} en este espacio de trabajo',
    person_not_found: 'No hay ninguna persona de demostración {id}',
    no_user_for_self:
      'El token de instalación no es una persona: no puede ser "yo". Entra como usuario o indica el userId',
    assignee_not_member: 'El usuario {id} no es miembro de este espacio de trabajo',
    thread_owned_by_page_inbox:
      'La bandeja de entrada de la Página controla esta conversación: recupérala (traspaso a "app") antes de responder aquí',
    reply_refused: 'Esta respuesta no se puede enviar ahora: {why}',
    conversation_open_elsewhere: 'Este contacto ya tiene otra conversación abierta ({id})',
    handover_failed: 'Meta rechazó el traspaso: {detail}',
    page_not_connected: 'La Página no tiene token de acceso: vuelve a conectarla',
    demo_not_running: 'El modo demostración no está en marcha',
  },
};

/** Details used inside `invalid_field`. */
export const FIELD_DETAIL_CODES = [
  'required_text',
  'too_long',
  'string_list',
  'label_format',
  'fields_object',
  'field_name',
  'field_value',
  'one_of',
  'cursor',
  'limit',
  'instant',
  'range',
  'user_id',
  'nothing_to_change',
] as const;
export type FieldDetailCode = (typeof FIELD_DETAIL_CODES)[number];

const DETAILS: Texts<FieldDetailCode> = {
  en: {
    required_text: 'a non-empty text is required',
    too_long: 'at most {max} characters',
    string_list: 'expected a list of texts',
    label_format: 'labels are 1 to 64 characters, without double quotes or control characters',
    fields_object: 'expected an object of field names to values',
    field_name: 'field names are 1 to 64 letters, digits or underscores ({name})',
    field_value: 'a field value is a text (up to 1000 characters), a number, true/false or null ({name})',
    one_of: 'expected one of: {values}',
    cursor: 'not a cursor this API returned',
    limit: 'expected a whole number from 1 to {max}',
    instant: 'expected an ISO 8601 date or instant',
    range: '"from" must be before "to", at most 366 days apart',
    user_id: 'expected a user id, "me" or null',
    nothing_to_change: 'give addLabels, removeLabels or fields',
  },
  es: {
    required_text: 'hace falta un texto no vacío',
    too_long: 'como mucho {max} caracteres',
    string_list: 'se esperaba una lista de textos',
    label_format: 'las etiquetas tienen de 1 a 64 caracteres, sin comillas dobles ni caracteres de control',
    fields_object: 'se esperaba un objeto de nombres de campo y valores',
    field_name: 'los nombres de campo tienen de 1 a 64 letras, cifras o guiones bajos ({name})',
    field_value:
      'el valor de un campo es un texto (hasta 1000 caracteres), un número, true/false o null ({name})',
    one_of: 'se esperaba uno de: {values}',
    cursor: 'no es un cursor devuelto por esta API',
    limit: 'se esperaba un número entero de 1 a {max}',
    instant: 'se esperaba una fecha o un instante ISO 8601',
    range: '"from" debe ser anterior a "to", con 366 días de diferencia como mucho',
    user_id: 'se esperaba un id de usuario, "me" o null',
    nothing_to_change: 'indica addLabels, removeLabels o fields',
  },
};

const CAN_DO: Texts<CanDoCode> = {
  en: {
    reply: 'Reply freely (promotions included) until {until}',
    human_agent_reply: 'A person can reply with the Human Agent tag until {until} (no promotions)',
    promotional_message: 'Promotional messages may go until {until}',
    marketing_message: 'Send a marketing message: this person subscribed to them',
    legacy_notification: 'Send a recurring notification: this person subscribed to them',
    one_time_notification: 'Send the one notification this person asked for',
    utility_template: 'Send an approved utility template (order, account or appointment update)',
    wait_for_inbound: 'Wait for this person to write again: that reopens the 24-hour window',
  },
  es: {
    reply: 'Responde libremente (también promociones) hasta {until}',
    human_agent_reply:
      'Una persona puede responder con la etiqueta Human Agent hasta {until} (sin promociones)',
    promotional_message: 'Se pueden enviar mensajes promocionales hasta {until}',
    marketing_message: 'Envía un mensaje de marketing: esta persona se suscribió a ellos',
    legacy_notification: 'Envía una notificación recurrente: esta persona se suscribió a ellas',
    one_time_notification: 'Envía la única notificación que esta persona pidió',
    utility_template: 'Envía una plantilla de utilidad aprobada (pedido, cuenta o cita)',
    wait_for_inbound: 'Espera a que esta persona vuelva a escribir: eso reabre la ventana de 24 horas',
  },
};

function interpolate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    params[key] === undefined ? whole : String(params[key]),
  );
}

export function problemText(
  code: InboxProblemCode,
  lang: Lang,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return interpolate(PROBLEMS[lang][code], params);
}

export function fieldDetailText(
  code: FieldDetailCode,
  lang: Lang,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return interpolate(DETAILS[lang][code], params);
}

/** "Reply freely until today at 18:40" in the reader's language (moments in `timeZone`, default UTC). */
export function canDoText(item: CanDo, lang: Lang, now: number, timeZone?: string): string {
  const until =
    item.until === null
      ? ''
      : formatMoment(item.until, catalogFor(lang), { lang, now, ...(timeZone ? { timeZone } : {}) });
  return interpolate(CAN_DO[lang][item.code], { until });
}

/** For the parity test: every catalogue of this area, per language. */
export const INBOX_CATALOGS = { problems: PROBLEMS, details: DETAILS, canDo: CAN_DO } as const;
