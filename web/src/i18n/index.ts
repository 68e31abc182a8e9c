/**
 * The dashboard's words, in Spanish and English (es.json / en.json hold every string). The choice is
 * remembered in localStorage and sent to the API as Accept-Language, so server messages match.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage } from '../api/http.ts';
import en from './en.json';
import es from './es.json';

export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const KEY = 'ventana.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'es' || saved === 'en') return saved;
  } catch {
    // No storage: use the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export function currentLang(): Lang {
  return i18next.language === 'en' ? 'en' : 'es';
}

export async function setLang(lang: Lang): Promise<void> {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // Remembered for this page only.
  }
  setApiLanguage(lang);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}

export function initI18n(): typeof i18next {
  const lng = initialLang();
  setApiLanguage(lng);
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    resources: { es: { translation: es }, en: { translation: en } },
    lng,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}
