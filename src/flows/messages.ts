/**
 * Every word of the flows area a person reads, in Spanish and English, keyed by stable codes
 * (a test checks both languages have every code). Problems name the step and the field.
 */
import { OUTBOUND_PROBLEM_MESSAGES, type OutboundProblemCode } from '../messenger/outbound.ts';
import type { Lang } from '../policy/index.ts';

export const FLOW_PROBLEM_CODES = [
  'required',
  'invalid_type',
  'too_short',
  'too_long',
  'too_small',
  'too_big',
  'invalid_value',
  'unknown_key',
  'invalid_format',
  'duplicate_step',
  'unknown_step',
  'invalid_regex',
  'unreachable_step',
  'choices_required',
  'loop_without_wait',
  'no_lawful_route',
  'delay_outlives_window',
  'delay_outlives_window_lawful',
  'needs_permission',
] as const;
export type FlowProblemCode = (typeof FLOW_PROBLEM_CODES)[number];

export const FLOW_API_CODES = [
  'invalid_flow',
  'flow_not_found',
  'flow_archived',
  'version_not_found',
  'nothing_published',
  'invalid_body',
  'contact_not_found',
  'not_wired',
] as const;
export type FlowApiCode = (typeof FLOW_API_CODES)[number];

/** Values interpolated into messages. */
export type Params = Readonly<Record<string, string | number>>;

type Catalog<C extends string> = Readonly<Record<C, (p: Params) => string>>;

const list = (p: Params, key: string) => String(p[key] ?? '');

export const PROBLEM_MESSAGES: Readonly<Record<Lang, Catalog<FlowProblemCode>>> = {
  en: {
    required: () => 'is required.',
    invalid_type: (p) => `must be ${list(p, 'expected')}.`,
    too_short: (p) => `needs at least ${list(p, 'min')}.`,
    too_long: (p) => `can have at most ${list(p, 'max')}.`,
    too_small: (p) => `must be at least ${list(p, 'min')}.`,
    too_big: (p) => `must be at most ${list(p, 'max')}.`,
    invalid_value: (p) => `must be one of: ${list(p, 'values')}.`,
    unknown_key: (p) => `unknown field(s): ${list(p, 'keys')}.`,
    invalid_format: (p) => `is not a valid ${list(p, 'format')}.`,
    duplicate_step: (p) => `the step id "${list(p, 'id')}" is used twice.`,
    unknown_step: (p) => `leads to the step "${list(p, 'id')}", which does not exist.`,
    invalid_regex: (p) => `is not a valid regular expression (${list(p, 'detail')}).`,
    unreachable_step: () => 'no path leads to this step.',
    choices_required: () => 'a choice question needs its choices.',
    loop_without_wait: () =>
      'this step is part of a loop with no question or delay in it: the flow would never stop.',
    no_lawful_route: (p) =>
      `this would be sent ${list(p, 'after')} after the person's last message and no route allows it: ${list(p, 'reasons')}`,
    delay_outlives_window: (p) =>
      `a wait of ${list(p, 'delay')} outlives the 24-hour window and the next step ("${list(p, 'step')}") has no lawful route then. Shorten the wait, or follow it with a utility template (transactional content) or a send to marketing subscribers.`,
    delay_outlives_window_lawful: (p) =>
      `a wait of ${list(p, 'delay')} outlives the 24-hour window: only ${list(p, 'who')} will receive what follows.`,
    needs_permission: (p) => `this needs the Page permission ${list(p, 'permission')}.`,
  },
  es: {
    required: () => 'es obligatorio.',
    invalid_type: (p) => `debe ser ${list(p, 'expected')}.`,
    too_short: (p) => `necesita al menos ${list(p, 'min')}.`,
    too_long: (p) => `admite como máximo ${list(p, 'max')}.`,
    too_small: (p) => `debe ser como mínimo ${list(p, 'min')}.`,
    too_big: (p) => `debe ser como máximo ${list(p, 'max')}.`,
    invalid_value: (p) => `debe ser uno de: ${list(p, 'values')}.`,
    unknown_key: (p) => `campo(s) desconocido(s): ${list(p, 'keys')}.`,
    invalid_format: (p) => `no es un ${list(p, 'format')} válido.`,
    duplicate_step: (p) => `el id de paso «${list(p, 'id')}» está repetido.`,
    unknown_step: (p) => `lleva al paso «${list(p, 'id')}», que no existe.`,
    invalid_regex: (p) => `no es una expresión regular válida (${list(p, 'detail')}).`,
    unreachable_step: () => 'ningún camino lleva a este paso.',
    choices_required: () => 'una pregunta de opciones necesita sus opciones.',
    loop_without_wait: () =>
      'este paso forma parte de un bucle sin pregunta ni espera: el flujo no terminaría nunca.',
    no_lawful_route: (p) =>
      `se enviaría ${list(p, 'after')} después del último mensaje de la persona y ninguna vía lo permite: ${list(p, 'reasons')}`,
    delay_outlives_window: (p) =>
      `una espera de ${list(p, 'delay')} supera la ventana de 24 horas y el paso siguiente («${list(p, 'step')}») no tiene entonces ninguna vía permitida. Acorta la espera o haz que la siga una plantilla de utilidad (contenido transaccional) o un envío a suscriptores de marketing.`,
    delay_outlives_window_lawful: (p) =>
      `una espera de ${list(p, 'delay')} supera la ventana de 24 horas: solo ${list(p, 'who')} recibirán lo que sigue.`,
    needs_permission: (p) => `esto necesita el permiso de la página ${list(p, 'permission')}.`,
  },
};

export const API_MESSAGES: Readonly<Record<Lang, Catalog<FlowApiCode>>> = {
  en: {
    invalid_flow: (p) => `The flow has ${list(p, 'count')} problem(s): ${list(p, 'first')}`,
    flow_not_found: (p) => `There is no flow ${list(p, 'id')}.`,
    flow_archived: (p) => `The flow ${list(p, 'id')} is archived.`,
    version_not_found: (p) => `The flow has no version ${list(p, 'version')}.`,
    nothing_published: (p) => `The flow ${list(p, 'id')} has no published version.`,
    invalid_body: (p) => `The request body is invalid: ${list(p, 'detail')}.`,
    contact_not_found: (p) => `There is no contact ${list(p, 'id')}.`,
    not_wired: () => 'This feature is not available in this installation yet.',
  },
  es: {
    invalid_flow: (p) => `El flujo tiene ${list(p, 'count')} problema(s): ${list(p, 'first')}`,
    flow_not_found: (p) => `No existe el flujo ${list(p, 'id')}.`,
    flow_archived: (p) => `El flujo ${list(p, 'id')} está archivado.`,
    version_not_found: (p) => `El flujo no tiene la versión ${list(p, 'version')}.`,
    nothing_published: (p) => `El flujo ${list(p, 'id')} no tiene ninguna versión publicada.`,
    invalid_body: (p) => `El cuerpo de la petición no es válido: ${list(p, 'detail')}.`,
    contact_not_found: (p) => `No existe el contacto ${list(p, 'id')}.`,
    not_wired: () => 'Esta función aún no está disponible en esta instalación.',
  },
};

/** Words used inside problem messages (types, units, audiences). */
export const WORDS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: {
    string: 'text',
    number: 'a number',
    integer: 'a whole number',
    array: 'a list',
    object: 'an object',
    boolean: 'true or false',
    characters: 'characters',
    items: 'items',
    url: 'URL',
    subscribers: 'people subscribed to marketing messages',
    template: 'people the approved utility template reaches',
    minutes: 'min',
    hours: 'h',
    days: 'days',
  },
  es: {
    string: 'texto',
    number: 'un número',
    integer: 'un número entero',
    array: 'una lista',
    object: 'un objeto',
    boolean: 'true o false',
    characters: 'caracteres',
    items: 'elementos',
    url: 'URL',
    subscribers: 'las personas suscritas a mensajes de marketing',
    template: 'las personas a las que llegue la plantilla de utilidad aprobada',
    minutes: 'min',
    hours: 'h',
    days: 'días',
  },
};

/** A step's (or the document's) problem as a sentence: `Step "ask_email", validate: must be …`. */
export function problemMessage(
  lang: Lang,
  code: FlowProblemCode | OutboundProblemCode,
  where: { readonly stepId?: string | undefined; readonly field: string },
  params: Params = {},
): string {
  const own = (PROBLEM_MESSAGES[lang] as Record<string, ((p: Params) => string) | undefined>)[code];
  const outbound = (
    OUTBOUND_PROBLEM_MESSAGES[lang] as Record<
      string,
      ((p: { max?: number; min?: number }) => string) | undefined
    >
  )[code];
  const text = own ? own(params) : outbound ? outbound(params as { max?: number; min?: number }) : code;
  return located(lang, where, text);
}

/** Prefixes a rendered problem with the step and field it is about. */
export function located(
  lang: Lang,
  where: { readonly stepId?: string | undefined; readonly field: string },
  text: string,
): string {
  const field = where.field;
  if (where.stepId !== undefined) {
    const head = lang === 'es' ? `Paso «${where.stepId}»` : `Step "${where.stepId}"`;
    return field === '' ? `${head}: ${text}` : `${head}, ${field}: ${text}`;
  }
  return field === '' ? text : `${field}: ${text}`;
}

export function apiMessage(lang: Lang, code: FlowApiCode, params: Params = {}): string {
  return API_MESSAGES[lang][code](params);
}

/** "3 h", "2 días", "45 min". */
export function durationText(lang: Lang, ms: number): string {
  const w = WORDS[lang];
  const minutes = Math.round(ms / 60_000);
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)} ${w.days}`;
  if (minutes % 60 === 0 || minutes > 600) return `${Math.round((minutes / 60) * 10) / 10} ${w.hours}`;
  return `${minutes} ${w.minutes}`;
}

/** What the person is told after a wrong answer when the step has no `reprompt` of its own. */
export const REPROMPTS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: {
    text: 'Sorry, I did not get that. Could you write it again?',
    email:
      'That does not look like an email address. Could you write it again (for example ana@example.com)?',
    phone: 'That does not look like a phone number. Could you write it again, with the country code?',
    number: 'Please answer with a number.',
    date: 'Please write a date, for example 2026-12-24 or 24/12/2026.',
    choice: 'Please choose one of the options.',
  },
  es: {
    text: 'Perdona, no lo he entendido. ¿Puedes escribirlo otra vez?',
    email: 'Eso no parece un correo electrónico. ¿Puedes escribirlo otra vez (por ejemplo ana@ejemplo.com)?',
    phone: 'Eso no parece un número de teléfono. ¿Puedes escribirlo otra vez, con el prefijo del país?',
    number: 'Responde con un número, por favor.',
    date: 'Escribe una fecha, por ejemplo 24/12/2026.',
    choice: 'Elige una de las opciones, por favor.',
  },
};
