/** Every sequence message a person reads (problems, warnings, API errors), in Spanish and English. */
import { interpolate, type Lang } from '../policy/i18n/catalog.ts';

export const SEQUENCE_MESSAGE_CODES = [
  // Problems with a definition (nothing is saved)
  'invalid_json',
  'required',
  'invalid_value',
  'invalid_message',
  'promotional_not_allowed',
  'fallback_template_required',
  'fallback_template_promotional',
  'promotional_utility',
  'duplicate_step_id',
  // Warnings (saved, but the marketer should know)
  'promotional_late_skip',
  'wait_never_released',
  'fallback_changes_content',
  'marketing_paid',
  // API and enrollment outcomes
  'sequence_not_found',
  'invalid_state',
  'sequence_not_active',
  'contact_not_found',
  'already_enrolled',
  'contact_opted_out',
  'invalid_contact_ids',
] as const;
export type SequenceMessageCode = (typeof SEQUENCE_MESSAGE_CODES)[number];

export const SEQUENCE_MESSAGES: Readonly<Record<Lang, Readonly<Record<SequenceMessageCode, string>>>> = {
  en: {
    invalid_json: 'the body is not valid JSON',
    required: 'this field is required',
    invalid_value: 'invalid value',
    invalid_message: 'the message is not valid: {detail}',
    promotional_not_allowed:
      'the content is promotional ({signals}); it cannot be sent as {intent}. Declare it promotional or remove the promotional content',
    fallback_template_required: 'the utility_template fallback needs a template (a utility_template message)',
    fallback_template_promotional:
      'the fallback template reads as promotional ({signals}): a utility template may carry no marketing content',
    promotional_utility:
      'a utility template cannot carry promotional content: use a text or card message for a promotional step',
    duplicate_step_id: 'step id "{id}" is used twice',
    promotional_late_skip:
      'step {step} is promotional and falls due {hours} h after entry with fallback skip: people who have not written in the last 24 h will not get it',
    wait_never_released:
      'step {step} waits for the person to write, but the sequence ends when they reply: that step will never be sent to someone whose window closed',
    fallback_changes_content:
      'step {step}: when the window has closed the person gets the utility template instead of the promotional content',
    marketing_paid:
      'step {step}: the marketing message fallback only reaches subscribers, is paid, and allows one message per 12 h',
    sequence_not_found: 'no sequence with id {id}',
    invalid_state: 'the sequence is {status}: it cannot be {action}',
    sequence_not_active: 'the sequence is {status}: activate it before enrolling people',
    contact_not_found: 'no contact with id {id}',
    already_enrolled: 'the contact is or was already in this sequence',
    contact_opted_out: 'the contact opted out of messages',
    invalid_contact_ids: 'contactIds: expected a list of 1 to 1000 contact ids',
  },
  es: {
    invalid_json: 'el cuerpo no es JSON válido',
    required: 'este campo es obligatorio',
    invalid_value: 'valor no válido',
    invalid_message: 'el mensaje no es válido: {detail}',
    promotional_not_allowed:
      'el contenido es promocional ({signals}); no se puede enviar como {intent}. Decláralo promocional o quita el contenido promocional',
    fallback_template_required:
      'la alternativa utility_template necesita una plantilla (un mensaje utility_template)',
    fallback_template_promotional:
      'la plantilla alternativa parece promocional ({signals}): una plantilla de utilidad no puede llevar contenido de marketing',
    promotional_utility:
      'una plantilla de utilidad no puede llevar contenido promocional: usa un texto o una tarjeta para un paso promocional',
    duplicate_step_id: 'el id de paso "{id}" está repetido',
    promotional_late_skip:
      'el paso {step} es promocional y vence {hours} h después de la entrada con la alternativa omitir: quien no haya escrito en las últimas 24 h no lo recibirá',
    wait_never_released:
      'el paso {step} espera a que la persona escriba, pero la secuencia termina cuando responde: ese paso nunca llegará a quien tenga la ventana cerrada',
    fallback_changes_content:
      'paso {step}: con la ventana cerrada la persona recibe la plantilla de utilidad en lugar del contenido promocional',
    marketing_paid:
      'paso {step}: la alternativa de mensaje de marketing solo llega a suscriptores, es de pago y permite un mensaje cada 12 h',
    sequence_not_found: 'no existe la secuencia {id}',
    invalid_state: 'la secuencia está en estado {status}: no se puede {action}',
    sequence_not_active: 'la secuencia está en estado {status}: actívala antes de inscribir personas',
    contact_not_found: 'no existe el contacto {id}',
    already_enrolled: 'el contacto está o ya estuvo en esta secuencia',
    contact_opted_out: 'el contacto se dio de baja de los mensajes',
    invalid_contact_ids: 'contactIds: se esperaba una lista de 1 a 1000 ids de contacto',
  },
};

/** Words shown for statuses and actions inside messages. */
const WORDS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: {
    activate: 'activated',
    pause: 'paused',
    draft: 'draft',
    active: 'active',
    paused: 'paused',
  },
  es: {
    activate: 'activar',
    pause: 'pausar',
    draft: 'borrador',
    active: 'activa',
    paused: 'pausada',
  },
};

export function sequenceText(
  code: SequenceMessageCode,
  lang: Lang,
  params: Readonly<Record<string, string | number>> = {},
): string {
  const shown: Record<string, string | number> = { ...params };
  for (const key of ['action', 'status'] as const) {
    const v = params[key];
    if (typeof v === 'string') shown[key] = WORDS[lang][v] ?? v;
  }
  return interpolate(SEQUENCE_MESSAGES[lang][code], shown);
}
