/**
 * Messenger profile of a Page (growth branch): `GET/PUT /api/v1/pages/:id/messenger-profile`.
 * ASSUMED shape: `{ greeting: [{ locale, text }], getStarted: { payload } | null,
 * iceBreakers: [{ question, payload }], persistentMenu: [{ type, title, url?, payload? }] }`.
 */
import { get, put } from './http.ts';

export interface MessengerProfile {
  readonly greeting: readonly { locale: string; text: string }[];
  readonly getStarted: { readonly payload: string } | null;
  readonly iceBreakers: readonly { question: string; payload: string }[];
  readonly persistentMenu: readonly {
    type: 'web_url' | 'postback';
    title: string;
    url?: string;
    payload?: string;
  }[];
}

const p = (pageId: string) => `/api/v1/pages/${encodeURIComponent(pageId)}/messenger-profile`;

export const getProfile = (pageId: string) =>
  get<Partial<MessengerProfile>>(p(pageId)).then(
    (r): MessengerProfile => ({
      greeting: r.greeting ?? [],
      getStarted: r.getStarted ?? null,
      iceBreakers: r.iceBreakers ?? [],
      persistentMenu: r.persistentMenu ?? [],
    }),
  );
export const saveProfile = (pageId: string, profile: MessengerProfile) =>
  put<MessengerProfile>(p(pageId), profile);
