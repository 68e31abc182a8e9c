import { describe, expect, it } from 'vitest';
import { parseProfile, profileDrift, toGraphProfile, unsetFields } from './profile-model.ts';

const item = (i: number) => ({ type: 'postback', title: `Opción ${i}`, payload: `OPT_${i}` });

function problems(input: unknown) {
  const r = parseProfile(input);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${p.field}:${p.code}`);
}

describe('the Messenger profile model', () => {
  it('accepts a full profile and writes it in Meta’s wire form', () => {
    const r = parseProfile({
      getStarted: { payload: 'GET_STARTED' },
      greeting: [
        { locale: 'default', text: 'Hi {{user_first_name}}!' },
        { locale: 'es_ES', text: '¡Hola {{user_first_name}}!' },
      ],
      iceBreakers: [{ locale: 'default', questions: [{ question: 'Opening hours?', payload: 'HOURS' }] }],
      persistentMenu: [
        {
          locale: 'default',
          items: [item(1), { type: 'web_url', title: 'Web', url: 'https://example.com/help' }],
        },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(toGraphProfile(r.profile)).toEqual({
      get_started: { payload: 'GET_STARTED' },
      greeting: [
        { locale: 'default', text: 'Hi {{user_first_name}}!' },
        { locale: 'es_ES', text: '¡Hola {{user_first_name}}!' },
      ],
      ice_breakers: [
        { locale: 'default', call_to_actions: [{ question: 'Opening hours?', payload: 'HOURS' }] },
      ],
      persistent_menu: [
        {
          locale: 'default',
          composer_input_disabled: false,
          call_to_actions: [
            { type: 'postback', title: 'Opción 1', payload: 'OPT_1' },
            { type: 'web_url', title: 'Web', url: 'https://example.com/help' },
          ],
        },
      ],
    });
    expect(unsetFields(r.profile)).toEqual([]);
  });

  it('refuses a greeting over 160 characters and a greeting without a default locale', () => {
    expect(problems({ greeting: [{ locale: 'default', text: 'x'.repeat(161) }] })).toEqual([
      'greeting[0].text:text_too_long',
    ]);
    expect(problems({ greeting: [{ locale: 'es_ES', text: 'Hola' }] })).toEqual([
      'greeting:default_locale_missing',
    ]);
    expect(problems({ greeting: [{ locale: 'spanish', text: 'Hola' }] })).toContain(
      'greeting[0].locale:locale_invalid',
    );
  });

  it('refuses a fifth ice breaker in one locale but allows four per locale', () => {
    const q = (n: number) => Array.from({ length: n }, (_, i) => ({ question: `Q${i}?`, payload: `Q${i}` }));
    expect(
      parseProfile({
        iceBreakers: [
          { locale: 'default', questions: q(4) },
          { locale: 'es_ES', questions: q(4) },
        ],
      }).ok,
    ).toBe(true);
    expect(problems({ iceBreakers: [{ locale: 'default', questions: q(5) }] })).toEqual([
      'iceBreakers[0].questions:too_many_items',
    ]);
  });

  it('refuses a persistent menu without Get Started, over 20 items, or nested', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => item(i));
    expect(parseProfile({ getStarted: { payload: 'GO' }, persistentMenu: [{ items: twenty }] }).ok).toBe(
      true,
    );
    expect(problems({ persistentMenu: [{ items: [item(1)] }] })).toEqual([
      'persistentMenu:menu_needs_get_started',
    ]);
    expect(
      problems({ getStarted: { payload: 'GO' }, persistentMenu: [{ items: [...twenty, item(21)] }] }),
    ).toEqual(['persistentMenu[0].items:too_many_items']);
    expect(
      problems({
        getStarted: { payload: 'GO' },
        persistentMenu: [{ items: [{ type: 'nested', title: 'More', call_to_actions: [item(1)] }] }],
      }),
    ).toEqual(['persistentMenu[0].items[0]:menu_nested_unsupported']);
  });

  it('names the field of a bad menu item and of unknown fields', () => {
    expect(
      problems({
        getStarted: { payload: 'GO' },
        persistentMenu: [
          { items: [{ type: 'web_url', title: 'A very long title that goes past thirty', url: 'ftp://x' }] },
        ],
        colour: 'blue',
      }),
    ).toEqual([
      'colour:unknown_field',
      'persistentMenu[0].items[0].title:text_too_long',
      'persistentMenu[0].items[0].url:url_invalid',
    ]);
  });

  it('reports drift field by field, ignoring defaults Meta adds', () => {
    const r = parseProfile({
      getStarted: { payload: 'GO' },
      greeting: [{ locale: 'default', text: 'Hola' }],
      persistentMenu: [{ items: [{ type: 'web_url', title: 'Web', url: 'https://example.com' }] }],
    });
    if (!r.ok) throw new Error('invalid');
    const same = {
      get_started: { payload: 'GO' },
      greeting: [{ text: 'Hola', locale: 'default' }],
      persistent_menu: [
        {
          locale: 'default',
          composer_input_disabled: false,
          call_to_actions: [
            { type: 'web_url', title: 'Web', url: 'https://example.com', webview_height_ratio: 'full' },
          ],
        },
      ],
    };
    expect(profileDrift(r.profile, same)).toEqual([]);
    expect(
      profileDrift(r.profile, { ...same, greeting: [{ locale: 'default', text: 'Changed by hand' }] }),
    ).toEqual(['greeting']);
    expect(profileDrift(r.profile, { ...same, ice_breakers: [{ call_to_actions: [] }] })).toEqual([
      'ice_breakers',
    ]);
  });
});
