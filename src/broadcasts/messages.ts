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
  },
};

/** Verbs for `invalid_state`, per language. */
const ACTIONS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: { send: 'sent', pause: 'paused', resume: 'resumed', cancel: 'cancelled' },
  es: { send: 'enviar', pause: 'pausar', resume: 'reanudar', cancel: 'cancelar' },
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
