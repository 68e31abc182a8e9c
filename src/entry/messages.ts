/** Every entry-point message a person reads (API errors, landing page, button), in Spanish and English. */
import { interpolate, type Lang } from '../policy/i18n/catalog.ts';

export const ENTRY_MESSAGE_CODES = [
  'invalid_json',
  'required',
  'invalid_value',
  'invalid_kind',
  'invalid_ref',
  'ref_taken',
  'invalid_slug',
  'slug_taken',
  'invalid_language',
  'invalid_labels',
  'invalid_fields',
  'invalid_keywords',
  'text_too_long',
  'page_unknown',
  'entry_point_not_found',
  'invalid_date',
  'invalid_range',
  'invalid_qr_size',
  'invalid_qr_margin',
  'no_link',
] as const;
export type EntryMessageCode = (typeof ENTRY_MESSAGE_CODES)[number];

export const ENTRY_MESSAGES: Readonly<Record<Lang, Readonly<Record<EntryMessageCode, string>>>> = {
  en: {
    invalid_json: 'the body must be a JSON object',
    required: '{field}: this field is required',
    invalid_value: '{field}: invalid value',
    invalid_kind: '{field}: expected link, comment or ad',
    invalid_ref: '{field}: 1 to 250 characters among A-Z, a-z, 0-9, _, = and - (what Meta accepts in a ref)',
    ref_taken: '{field}: another entry point of this Page already uses the ref "{value}"',
    invalid_slug: '{field}: 3 to 64 characters among a-z, 0-9 and -',
    slug_taken: '{field}: the landing page address "{value}" is already taken',
    invalid_language: "{field}: expected es or en (or null for the reader's language)",
    invalid_labels: '{field}: expected a list of up to 50 label names (1 to 100 characters each)',
    invalid_fields: '{field}: expected an object of up to 50 fields with text, number or true/false values',
    invalid_keywords: '{field}: expected a list of up to 50 keywords (1 to 100 characters each)',
    text_too_long: '{field}: at most {max} characters',
    page_unknown: '{field}: no Page {value} in this workspace',
    entry_point_not_found: 'no entry point with id {value}',
    invalid_date: '{field}: expected a day as YYYY-MM-DD',
    invalid_range: '{field}: the range must go forward and span at most 366 days',
    invalid_qr_size: '{field}: expected a size in pixels between 64 and 2048',
    invalid_qr_margin: '{field}: expected a margin in modules between 0 and 16',
    no_link: 'this entry point has no m.me link (comment entry points have none)',
  },
  es: {
    invalid_json: 'el cuerpo debe ser un objeto JSON',
    required: '{field}: este campo es obligatorio',
    invalid_value: '{field}: valor no válido',
    invalid_kind: '{field}: se esperaba link, comment o ad',
    invalid_ref:
      '{field}: de 1 a 250 caracteres entre A-Z, a-z, 0-9, _, = y - (lo que Meta acepta en un ref)',
    ref_taken: '{field}: otro punto de entrada de esta página ya usa el ref "{value}"',
    invalid_slug: '{field}: de 3 a 64 caracteres entre a-z, 0-9 y -',
    slug_taken: '{field}: la dirección de página de aterrizaje "{value}" ya está en uso',
    invalid_language: '{field}: se esperaba es o en (o null para el idioma del lector)',
    invalid_labels: '{field}: se esperaba una lista de hasta 50 etiquetas (de 1 a 100 caracteres cada una)',
    invalid_fields:
      '{field}: se esperaba un objeto de hasta 50 campos con valores de texto, número o verdadero/falso',
    invalid_keywords:
      '{field}: se esperaba una lista de hasta 50 palabras clave (de 1 a 100 caracteres cada una)',
    text_too_long: '{field}: como máximo {max} caracteres',
    page_unknown: '{field}: no hay ninguna página {value} en este espacio de trabajo',
    entry_point_not_found: 'no existe el punto de entrada {value}',
    invalid_date: '{field}: se esperaba un día con el formato AAAA-MM-DD',
    invalid_range: '{field}: el intervalo debe ir hacia delante y abarcar como máximo 366 días',
    invalid_qr_size: '{field}: se esperaba un tamaño en píxeles entre 64 y 2048',
    invalid_qr_margin: '{field}: se esperaba un margen en módulos entre 0 y 16',
    no_link: 'este punto de entrada no tiene enlace m.me (los de comentarios no lo tienen)',
  },
};

export function entryText(
  code: EntryMessageCode,
  lang: Lang,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return interpolate(ENTRY_MESSAGES[lang][code], params);
}

/** Words of the public landing page and the website button. */
export const LANDING_WORDS: Readonly<
  Record<
    Lang,
    {
      readonly button: string;
      readonly title: string;
      readonly text: string;
      readonly footer: string;
      readonly scan: string;
    }
  >
> = {
  en: {
    button: 'Message us on Messenger',
    title: 'Talk to {page}',
    text: 'Tap the button to open a conversation with us in Messenger.',
    footer: 'Opens Messenger. You can stop messages at any time by writing STOP.',
    scan: 'On a computer? Scan this code with your phone:',
  },
  es: {
    button: 'Escríbenos por Messenger',
    title: 'Habla con {page}',
    text: 'Toca el botón para abrir una conversación con nosotros en Messenger.',
    footer: 'Se abre Messenger. Puedes dejar de recibir mensajes cuando quieras escribiendo STOP.',
    scan: '¿Estás en un ordenador? Escanea este código con el móvil:',
  },
};
