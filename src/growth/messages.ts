/**
 * Words for the growth area (Messenger profile, marketing setup, utility templates) in Spanish and
 * English, rendered from stable codes. `{name}` is replaced by the parameter of that name.
 */
import type { Lang, Signal, SignalKind } from '../policy/index.ts';

export const GROWTH_CODES = [
  // validation of a field
  'required',
  'expected_object',
  'expected_array',
  'expected_string',
  'expected_boolean',
  'expected_integer',
  'text_too_long',
  'locale_invalid',
  'locale_duplicate',
  'default_locale_missing',
  'too_many_items',
  'too_few_items',
  'menu_needs_get_started',
  'menu_nested_unsupported',
  'button_type_invalid',
  'url_invalid',
  'unknown_field',
  'name_invalid',
  'language_invalid',
  'placeholders_not_sequential',
  'examples_mismatch',
  'template_marketing_content',
  'template_forbidden_content',
  'ad_account_invalid',
  // outcomes at the API
  'invalid_body',
  'page_not_found',
  'profile_not_found',
  'page_token_missing',
  'template_not_found',
  'template_exists',
  'template_not_submittable',
  'library_template_not_found',
  'graph_failed',
  'marketing_not_configured',
  'campaign_create_failed',
] as const;
export type GrowthCode = (typeof GROWTH_CODES)[number];

export type GrowthParams = Readonly<Record<string, string | number>>;

const en: Readonly<Record<GrowthCode, string>> = {
  required: '{field} is required.',
  expected_object: '{field} must be an object.',
  expected_array: '{field} must be a list.',
  expected_string: '{field} must be text.',
  expected_boolean: '{field} must be true or false.',
  expected_integer: '{field} must be a whole number of at least {min}.',
  text_too_long: '{field} must be 1 to {max} characters long.',
  locale_invalid: '{field} must be "default" or a locale such as es_ES or en_US.',
  locale_duplicate: '{field}: the locale {locale} appears twice.',
  default_locale_missing: '{field} needs a "default" entry, used for every other locale.',
  too_many_items: '{field} may have at most {max} items (Meta’s limit).',
  too_few_items: '{field} needs at least {min} item.',
  menu_needs_get_started: 'A persistent menu needs a Get Started button (getStarted).',
  menu_nested_unsupported:
    '{field}: Meta no longer supports nested menus; use at most 20 postback or web_url items.',
  button_type_invalid: '{field} must be "postback" or "web_url".',
  url_invalid: '{field} must be an http(s) URL.',
  unknown_field: '{field} is not a known field.',
  name_invalid: '{field} may only hold lowercase letters, digits and underscores (1 to 512).',
  language_invalid: '{field} must be a language code such as es, en or en_US.',
  placeholders_not_sequential: '{field}: placeholders must be {{1}}, {{2}}… in order, without gaps.',
  examples_mismatch: '{field} must give one example value per placeholder ({count}).',
  template_marketing_content:
    'A UTILITY template may not carry marketing content; Meta would reject it (TAG_SHOULD_BE_MARKETING). Signals: {signals}.',
  template_forbidden_content:
    'Utility templates must not ask for full card, account or national ID numbers ({text}).',
  ad_account_invalid: '{field} must be an ad account id: digits, with or without "act_".',
  invalid_body: 'The request body must be a JSON object.',
  page_not_found: 'There is no Page {id} in this workspace.',
  profile_not_found: 'The Page {id} has no Messenger profile yet; save one with PUT first.',
  page_token_missing: 'The Page {id} has no access token; reconnect it first.',
  template_not_found: 'There is no template {id} in this workspace.',
  template_exists: 'The Page already has a template {name} in {language}.',
  template_not_submittable:
    'The template {name} is {status}: only drafts and rejected templates can be submitted.',
  library_template_not_found: 'Meta’s library has no template {name} in {language}.',
  graph_failed: 'Meta refused the request: {message}',
  marketing_not_configured: 'The Page {id} has no marketing setup yet.',
  campaign_create_failed: 'Meta did not create the message campaign: {message}',
};

const es: Readonly<Record<GrowthCode, string>> = {
  required: '{field} es obligatorio.',
  expected_object: '{field} debe ser un objeto.',
  expected_array: '{field} debe ser una lista.',
  expected_string: '{field} debe ser texto.',
  expected_boolean: '{field} debe ser true o false.',
  expected_integer: '{field} debe ser un número entero de al menos {min}.',
  text_too_long: '{field} debe tener entre 1 y {max} caracteres.',
  locale_invalid: '{field} debe ser "default" o un idioma como es_ES o en_US.',
  locale_duplicate: '{field}: el idioma {locale} aparece dos veces.',
  default_locale_missing: '{field} necesita una entrada "default", que se usa para los demás idiomas.',
  too_many_items: '{field} admite como máximo {max} elementos (límite de Meta).',
  too_few_items: '{field} necesita al menos {min} elemento.',
  menu_needs_get_started: 'El menú persistente necesita un botón Empezar (getStarted).',
  menu_nested_unsupported:
    '{field}: Meta ya no admite menús anidados; usa como máximo 20 elementos postback o web_url.',
  button_type_invalid: '{field} debe ser "postback" o "web_url".',
  url_invalid: '{field} debe ser una URL http(s).',
  unknown_field: '{field} no es un campo conocido.',
  name_invalid: '{field} solo admite minúsculas, dígitos y guiones bajos (de 1 a 512).',
  language_invalid: '{field} debe ser un código de idioma como es, en o en_US.',
  placeholders_not_sequential: '{field}: las variables deben ser {{1}}, {{2}}… en orden y sin saltos.',
  examples_mismatch: '{field} debe dar un valor de ejemplo por variable ({count}).',
  template_marketing_content:
    'Una plantilla UTILITY no puede llevar contenido de marketing; Meta la rechazaría (TAG_SHOULD_BE_MARKETING). Señales: {signals}.',
  template_forbidden_content:
    'Las plantillas de utilidad no deben pedir números completos de tarjeta, cuenta o documento de identidad ({text}).',
  ad_account_invalid: '{field} debe ser el id de una cuenta publicitaria: dígitos, con o sin "act_".',
  invalid_body: 'El cuerpo de la petición debe ser un objeto JSON.',
  page_not_found: 'No existe la Página {id} en este espacio de trabajo.',
  profile_not_found: 'La Página {id} aún no tiene perfil de Messenger; guarda uno con PUT primero.',
  page_token_missing: 'La Página {id} no tiene token de acceso; vuelve a conectarla.',
  template_not_found: 'No existe la plantilla {id} en este espacio de trabajo.',
  template_exists: 'La Página ya tiene una plantilla {name} en {language}.',
  template_not_submittable:
    'La plantilla {name} está en estado {status}: solo se envían a revisión borradores y plantillas rechazadas.',
  library_template_not_found: 'La biblioteca de Meta no tiene la plantilla {name} en {language}.',
  graph_failed: 'Meta rechazó la petición: {message}',
  marketing_not_configured: 'La Página {id} aún no tiene configuración de marketing.',
  campaign_create_failed: 'Meta no creó la campaña de mensajes: {message}',
};

export const GROWTH_MESSAGES: Readonly<Record<Lang, Readonly<Record<GrowthCode, string>>>> = { en, es };

/** The message for a code in a language, with `{name}` placeholders filled. */
export function growthText(lang: Lang, code: GrowthCode, params: GrowthParams = {}): string {
  return GROWTH_MESSAGES[lang][code].replace(/\{(\w+)\}/g, (whole, key: string) =>
    params[key] === undefined ? whole : String(params[key]),
  );
}

/** A problem with one field of a request: the code, its parameters and the field's path. */
export interface FieldProblem {
  readonly field: string;
  readonly code: GrowthCode;
  readonly params?: GrowthParams;
}

/** Renders field problems as one readable message (first problems first). */
export function problemsText(lang: Lang, problems: readonly FieldProblem[]): string {
  return problems
    .slice(0, 5)
    .map((p) => growthText(lang, p.code, { field: p.field, ...p.params }))
    .join(' ');
}

/** Names of the classifier's signal kinds, for listing them in the template content error. */
const SIGNAL_NAMES: Readonly<Record<Lang, Readonly<Record<SignalKind, string>>>> = {
  en: {
    shop_link: 'shop link',
    funnel_link: 'funnel link',
    external_link: 'outbound link',
    coupon: 'coupon',
    discount: 'discount',
    price_offer: 'price offer',
    free: '“free” lure',
    urgency: 'urgency',
    upsell: 'upsell',
    event_promotion: 'event promotion',
    re_engagement: 're-engagement',
    call_to_buy: 'call to buy',
    new_product: 'new product',
    survey_unrelated: 'unrelated survey',
    giveaway: 'giveaway',
  },
  es: {
    shop_link: 'enlace a tienda',
    funnel_link: 'enlace de captación',
    external_link: 'enlace externo',
    coupon: 'cupón',
    discount: 'descuento',
    price_offer: 'oferta de precio',
    free: 'reclamo “gratis”',
    urgency: 'urgencia',
    upsell: 'venta adicional',
    event_promotion: 'promoción de evento',
    re_engagement: 'reenganche',
    call_to_buy: 'llamada a comprar',
    new_product: 'producto nuevo',
    survey_unrelated: 'encuesta no relacionada',
    giveaway: 'sorteo',
  },
};

/** `descuento «20% de descuento», cupón «cupón»`: each signal with the words that triggered it. */
export function signalsText(lang: Lang, signals: readonly Signal[]): string {
  return signals.map((s) => `${SIGNAL_NAMES[lang][s.kind]} «${s.text}»`).join(', ');
}

export { SIGNAL_NAMES };
