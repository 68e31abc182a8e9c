/**
 * A Page's Messenger profile as Ventana keeps it (desired state), Meta's rules for it (reference
 * §5.5: Get Started, greeting ≤ 160 characters per locale, ≤ 4 ice breakers per locale, persistent
 * menu of ≤ 20 postback / web_url items per locale, which needs Get Started; nested menus are gone),
 * its wire form for `POST me/messenger_profile`, and the drift between it and what Meta shows. Pure.
 */
import type { MessengerProfile, MessengerProfileField } from '../graph/client.ts';
import type { FieldProblem } from './messages.ts';

export interface ProfileMenuItem {
  readonly type: 'postback' | 'web_url';
  readonly title: string;
  readonly payload?: string;
  readonly url?: string;
  readonly webviewHeightRatio?: 'compact' | 'tall' | 'full';
}

/** The desired profile of a Page. Empty lists and a null Get Started mean "not set". */
export interface ProfileSpec {
  readonly getStarted: { readonly payload: string } | null;
  readonly greeting: readonly { readonly locale: string; readonly text: string }[];
  readonly iceBreakers: readonly {
    readonly locale: string;
    readonly questions: readonly { readonly question: string; readonly payload: string }[];
  }[];
  readonly persistentMenu: readonly {
    readonly locale: string;
    readonly composerInputDisabled: boolean;
    readonly items: readonly ProfileMenuItem[];
  }[];
}

export const PROFILE_LIMITS = Object.freeze({
  greetingChars: 160,
  iceBreakers: 4,
  questionChars: 80,
  menuItems: 20,
  menuTitleChars: 30,
  payloadChars: 1000,
});

/** The Messenger Profile fields Ventana manages (others, e.g. whitelisted_domains, are left alone). */
export const MANAGED_FIELDS: readonly MessengerProfileField[] = [
  'get_started',
  'greeting',
  'ice_breakers',
  'persistent_menu',
];

const LOCALE = /^(default|[a-z]{2}_[A-Z]{2})$/;
const TOP_KEYS = new Set(['getStarted', 'greeting', 'iceBreakers', 'persistentMenu']);

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type ProfileParse =
  | { readonly ok: true; readonly profile: ProfileSpec }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

function text(out: FieldProblem[], value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null || value === '') {
    out.push({ field, code: 'required' });
    return undefined;
  }
  if (typeof value !== 'string') {
    out.push({ field, code: 'expected_string' });
    return undefined;
  }
  if (value.trim().length === 0 || value.length > max) {
    out.push({ field, code: 'text_too_long', params: { max } });
    return undefined;
  }
  return value;
}

/** Locales of a per-locale list: valid, unique, with a `default` entry when the list is not empty. */
function checkLocales(out: FieldProblem[], list: readonly Obj[], field: string): string[] {
  const seen = new Set<string>();
  const locales = list.map((item, i) => {
    const raw = item.locale ?? 'default';
    if (typeof raw !== 'string' || !LOCALE.test(raw)) {
      out.push({ field: `${field}[${i}].locale`, code: 'locale_invalid' });
      return 'default';
    }
    if (seen.has(raw))
      out.push({ field: `${field}[${i}].locale`, code: 'locale_duplicate', params: { locale: raw } });
    seen.add(raw);
    return raw;
  });
  if (list.length > 0 && !seen.has('default')) out.push({ field, code: 'default_locale_missing' });
  return locales;
}

function objects(out: FieldProblem[], value: unknown, field: string): Obj[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    out.push({ field, code: 'expected_array' });
    return [];
  }
  return value.filter((v, i) => {
    if (isObj(v)) return true;
    out.push({ field: `${field}[${i}]`, code: 'expected_object' });
    return false;
  }) as Obj[];
}

function menuItem(out: FieldProblem[], item: Obj, field: string): ProfileMenuItem | undefined {
  if (item.type === 'nested' || item.call_to_actions !== undefined || item.items !== undefined) {
    out.push({ field, code: 'menu_nested_unsupported' });
    return undefined;
  }
  if (item.type !== 'postback' && item.type !== 'web_url') {
    out.push({ field: `${field}.type`, code: 'button_type_invalid' });
    return undefined;
  }
  const title = text(out, item.title, `${field}.title`, PROFILE_LIMITS.menuTitleChars);
  if (item.type === 'postback') {
    const payload = text(out, item.payload, `${field}.payload`, PROFILE_LIMITS.payloadChars);
    return title && payload ? { type: 'postback', title, payload } : undefined;
  }
  const url = item.url;
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(url)) {
    out.push({ field: `${field}.url`, code: 'url_invalid' });
    return undefined;
  }
  const ratio = item.webviewHeightRatio;
  if (ratio !== undefined && ratio !== 'compact' && ratio !== 'tall' && ratio !== 'full') {
    out.push({ field: `${field}.webviewHeightRatio`, code: 'unknown_field' });
    return undefined;
  }
  return title
    ? { type: 'web_url', title, url, ...(ratio !== undefined && { webviewHeightRatio: ratio }) }
    : undefined;
}

/**
 * Validates a desired profile as the API receives it (camelCase). Every problem names its field;
 * nothing is half-accepted.
 *
 * @example parseProfile({ getStarted: { payload: 'GET_STARTED' }, greeting: [{ locale: 'default', text: 'Hola {{user_first_name}}' }] })
 */
export function parseProfile(input: unknown): ProfileParse {
  const out: FieldProblem[] = [];
  if (!isObj(input)) return { ok: false, problems: [{ field: '(body)', code: 'expected_object' }] };
  for (const key of Object.keys(input))
    if (!TOP_KEYS.has(key)) out.push({ field: key, code: 'unknown_field' });

  let getStarted: ProfileSpec['getStarted'] = null;
  if (input.getStarted !== undefined && input.getStarted !== null) {
    if (!isObj(input.getStarted)) out.push({ field: 'getStarted', code: 'expected_object' });
    else {
      const payload = text(out, input.getStarted.payload, 'getStarted.payload', PROFILE_LIMITS.payloadChars);
      if (payload) getStarted = { payload };
    }
  }

  const greetingIn = objects(out, input.greeting, 'greeting');
  const greetingLocales = checkLocales(out, greetingIn, 'greeting');
  const greeting = greetingIn.flatMap((g, i) => {
    const t = text(out, g.text, `greeting[${i}].text`, PROFILE_LIMITS.greetingChars);
    return t ? [{ locale: greetingLocales[i]!, text: t }] : [];
  });

  const iceIn = objects(out, input.iceBreakers, 'iceBreakers');
  const iceLocales = checkLocales(out, iceIn, 'iceBreakers');
  const iceBreakers = iceIn.map((g, i) => {
    const field = `iceBreakers[${i}].questions`;
    const qs = objects(out, g.questions, field);
    if (qs.length === 0) out.push({ field, code: 'too_few_items', params: { min: 1 } });
    if (qs.length > PROFILE_LIMITS.iceBreakers)
      out.push({ field, code: 'too_many_items', params: { max: PROFILE_LIMITS.iceBreakers } });
    const questions = qs.flatMap((q, j) => {
      const question = text(out, q.question, `${field}[${j}].question`, PROFILE_LIMITS.questionChars);
      const payload = text(out, q.payload, `${field}[${j}].payload`, PROFILE_LIMITS.payloadChars);
      return question && payload ? [{ question, payload }] : [];
    });
    return { locale: iceLocales[i]!, questions };
  });

  const menuIn = objects(out, input.persistentMenu, 'persistentMenu');
  const menuLocales = checkLocales(out, menuIn, 'persistentMenu');
  if (menuIn.length > 0 && getStarted === null)
    out.push({ field: 'persistentMenu', code: 'menu_needs_get_started' });
  const persistentMenu = menuIn.map((m, i) => {
    const field = `persistentMenu[${i}].items`;
    const disabled = m.composerInputDisabled ?? false;
    if (typeof disabled !== 'boolean')
      out.push({ field: `persistentMenu[${i}].composerInputDisabled`, code: 'expected_boolean' });
    const itemsIn = objects(out, m.items, field);
    if (itemsIn.length === 0 && disabled !== true)
      out.push({ field, code: 'too_few_items', params: { min: 1 } });
    if (itemsIn.length > PROFILE_LIMITS.menuItems)
      out.push({ field, code: 'too_many_items', params: { max: PROFILE_LIMITS.menuItems } });
    const items = itemsIn.flatMap((item, j) => {
      const parsed = menuItem(out, item, `${field}[${j}]`);
      return parsed ? [parsed] : [];
    });
    return { locale: menuLocales[i]!, composerInputDisabled: disabled === true, items };
  });

  if (out.length > 0) return { ok: false, problems: out };
  return { ok: true, profile: { getStarted, greeting, iceBreakers, persistentMenu } };
}

/** An empty profile: nothing set. */
export const EMPTY_PROFILE: ProfileSpec = Object.freeze({
  getStarted: null,
  greeting: [],
  iceBreakers: [],
  persistentMenu: [],
});

/** The set fields of a desired profile, in Meta's wire form (`POST me/messenger_profile`). */
export function toGraphProfile(p: ProfileSpec): MessengerProfile {
  return {
    ...(p.getStarted !== null && { get_started: { payload: p.getStarted.payload } }),
    ...(p.greeting.length > 0 && { greeting: p.greeting.map((g) => ({ locale: g.locale, text: g.text })) }),
    ...(p.iceBreakers.length > 0 && {
      ice_breakers: p.iceBreakers.map((g) => ({
        locale: g.locale,
        call_to_actions: g.questions.map((q) => ({ question: q.question, payload: q.payload })),
      })),
    }),
    ...(p.persistentMenu.length > 0 && {
      persistent_menu: p.persistentMenu.map((m) => ({
        locale: m.locale,
        composer_input_disabled: m.composerInputDisabled,
        call_to_actions: m.items.map((b) =>
          b.type === 'postback'
            ? { type: 'postback', title: b.title, payload: b.payload }
            : {
                type: 'web_url',
                title: b.title,
                url: b.url,
                ...(b.webviewHeightRatio !== undefined && { webview_height_ratio: b.webviewHeightRatio }),
              },
        ),
      })),
    }),
  };
}

/** Managed fields the desired profile leaves unset: they are deleted on Meta's side. */
export function unsetFields(p: ProfileSpec): MessengerProfileField[] {
  const set = toGraphProfile(p);
  return MANAGED_FIELDS.filter((f) => set[f] === undefined);
}

// Meta may add defaults (e.g. webview_height_ratio "full"); compare what both sides state.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = value[key];
      if (v === undefined || v === null) continue;
      if (key === 'webview_height_ratio' && v === 'full') continue;
      if (key === 'composer_input_disabled' && v === false) continue;
      out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** Managed fields whose value on Meta's side differs from the desired one (order of MANAGED_FIELDS). */
export function profileDrift(desired: ProfileSpec, observed: MessengerProfile): MessengerProfileField[] {
  const want = toGraphProfile(desired);
  return MANAGED_FIELDS.filter(
    (f) => JSON.stringify(canonical(want[f])) !== JSON.stringify(canonical(observed[f])),
  );
}
