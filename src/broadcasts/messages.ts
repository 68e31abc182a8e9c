/** Every broadcast message a person reads, in Spanish and English, keyed by stable codes. */
import { interpolate, type Lang } from '../policy/i18n/catalog.ts';

export const BROADCAST_MESSAGE_CODES = [
  'invalid_json',
  'required',
  'invalid_value',
  'promotional_not_allowed',
  'broadcast_not_found',
  'invalid_state',
  'invalid_group',
  'invalid_lang',
  'invalid_file',
  'schedule_at_invalid',
  'schedule_needs_zone',
  'schedule_local_has_zone',
  'schedule_in_past',
  'schedule_needs_at',
  'invalid_timezone',
  'scheduled_notice',
  'resend_notice',
] as const;
export type BroadcastMessageCode = (typeof BROADCAST_MESSAGE_CODES)[number];

export const BROADCAST_MESSAGES: Readonly<Record<Lang, Readonly<Record<BroadcastMessageCode, string>>>> = {
  en: {
    invalid_json: 'the body is not valid JSON',
    required: 'this field is required',
    invalid_value: 'invalid value',
    promotional_not_allowed:
      'the content is promotional ({signals}); it cannot be sent as {intent}. Declare it promotional or remove the promotional content',
    broadcast_not_found: 'no broadcast with id {id}',
    invalid_state: 'the broadcast is {status}: it cannot be {action}',
    invalid_group: 'unknown preflight group "{group}"',
    invalid_lang: '--lang: expected es or en',
    invalid_file: 'cannot read {file}: {detail}',
    schedule_at_invalid: 'not a date and time (expected e.g. 2026-12-24T09:00+01:00)',
    schedule_needs_zone:
      "add the time zone (e.g. 2026-12-24T09:00+01:00 or …Z), or set localTime to send at that hour in each person's own time zone",
    schedule_local_has_zone:
      "with localTime the time is read in each person's time zone: give it without an offset (e.g. 2026-12-24T09:00)",
    schedule_in_past: 'this moment has already passed',
    schedule_needs_at: 'needs schedule.at (the time to send at)',
    invalid_timezone: 'expected hours from UTC between -12 and 14 (e.g. 1, -5, 5.5)',
    scheduled_notice:
      'scheduled: {count} people wait in the outbox, the first at {at}; the running server (ventana start) sends each at their moment',
    resend_notice:
      '{count} sends with an unknown outcome that Meta never echoed (for {minutes} minutes or more) are queued again; each is decided again before it leaves. `ventana broadcast send {id}` sends them now, or the running server does',
  },
  es: {
    invalid_json: 'el cuerpo no es JSON válido',
    required: 'este campo es obligatorio',
    invalid_value: 'valor no válido',
    promotional_not_allowed:
      'el contenido es promocional ({signals}); no se puede enviar como {intent}. Decláralo promocional o quita el contenido promocional',
    broadcast_not_found: 'no existe la difusión {id}',
    invalid_state: 'la difusión está en estado {status}: no se puede {action}',
    invalid_group: 'grupo de verificación desconocido "{group}"',
    invalid_lang: '--lang: se esperaba es o en',
    invalid_file: 'no se puede leer {file}: {detail}',
    schedule_at_invalid: 'no es una fecha y hora (se espera p. ej. 2026-12-24T09:00+01:00)',
    schedule_needs_zone:
      'indica la zona horaria (p. ej. 2026-12-24T09:00+01:00 o …Z), o activa localTime para enviar a esa hora en la zona de cada persona',
    schedule_local_has_zone:
      'con localTime la hora se lee en la zona de cada persona: escríbela sin desfase (p. ej. 2026-12-24T09:00)',
    schedule_in_past: 'ese momento ya ha pasado',
    schedule_needs_at: 'necesita schedule.at (la hora de envío)',
    invalid_timezone: 'se esperan horas respecto a UTC entre -12 y 14 (p. ej. 1, -5, 5.5)',
    scheduled_notice:
      'programada: {count} personas esperan en la cola, la primera el {at}; el servidor en marcha (ventana start) envía a cada una en su momento',
    resend_notice:
      '{count} envíos de resultado desconocido que Meta nunca devolvió en eco (desde hace {minutes} minutos o más) vuelven a la cola; cada uno se decide de nuevo antes de salir. `ventana broadcast send {id}` los envía ahora, o lo hace el servidor en marcha',
  },
};

/** Verbs for `invalid_state`, per language. */
const ACTIONS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: {
    send: 'sent',
    pause: 'paused',
    resume: 'resumed',
    cancel: 'cancelled',
    'resend-unconfirmed': 'sent again',
  },
  es: {
    send: 'enviar',
    pause: 'pausar',
    resume: 'reanudar',
    cancel: 'cancelar',
    'resend-unconfirmed': 'reenviar',
  },
};

export function problemText(
  code: BroadcastMessageCode,
  lang: Lang,
  params: Readonly<Record<string, string | number>> = {},
): string {
  const shown = { ...params };
  if (typeof params.action === 'string') shown.action = ACTIONS[lang][params.action] ?? params.action;
  return interpolate(BROADCAST_MESSAGES[lang][code], shown);
}
