/**
 * Messenger profile of a Page (docs/marketing-and-templates.md): a desired state stored with
 * `PUT /api/v1/pages/:id/messenger-profile`, applied to Meta by `POST …/apply` (a queue job), read with
 * `GET …` → `{ desired, version, appliedVersion, applyStatus, lastError, inSync, drift }` (404
 * `profile_not_found` before the first save). Ice breakers and the persistent menu are per locale on
 * the server; this editor works on the `default` locale and keeps the other locales as they are.
 */
import { ApiError, call, described } from './http.ts';

export interface MenuItem {
  type: 'web_url' | 'postback';
  title: string;
  url?: string;
  payload?: string;
}

/** What the editor shows: the `default` locale of ice breakers and menu. */
export interface MessengerProfile {
  readonly greeting: readonly { locale: string; text: string }[];
  readonly getStarted: { readonly payload: string } | null;
  readonly iceBreakers: readonly { question: string; payload: string }[];
  readonly persistentMenu: readonly MenuItem[];
}

interface Spec {
  readonly getStarted: { readonly payload: string } | null;
  readonly greeting: readonly { locale: string; text: string }[];
  readonly iceBreakers: readonly { locale: string; questions: { question: string; payload: string }[] }[];
  readonly persistentMenu: readonly { locale: string; composerInputDisabled: boolean; items: MenuItem[] }[];
}

export interface ProfileState {
  readonly profile: MessengerProfile;
  /** Locales other than `default`, sent back untouched. */
  readonly others: Pick<Spec, 'iceBreakers' | 'persistentMenu'>;
  readonly version: number | null;
  readonly appliedVersion: number | null;
  readonly applyStatus: string | null;
  readonly lastError: string | null;
  readonly inSync: boolean;
}

interface ProfileAnswer {
  desired: Spec;
  version: number;
  appliedVersion: number | null;
  applyStatus: string | null;
  lastError: string | null;
  inSync: boolean;
}

/** The profile answers are described in words by the document: `ProfileAnswer` is the page's reading. */
const p = (pageId: string) => ({ params: { id: pageId } });
const EMPTY: Spec = { getStarted: null, greeting: [], iceBreakers: [], persistentMenu: [] };

function toState(r: ProfileAnswer | null): ProfileState {
  const d = r?.desired ?? EMPTY;
  return {
    profile: {
      greeting: d.greeting,
      getStarted: d.getStarted,
      iceBreakers: d.iceBreakers.find((b) => b.locale === 'default')?.questions ?? [],
      persistentMenu: d.persistentMenu.find((m) => m.locale === 'default')?.items ?? [],
    },
    others: {
      iceBreakers: d.iceBreakers.filter((b) => b.locale !== 'default'),
      persistentMenu: d.persistentMenu.filter((m) => m.locale !== 'default'),
    },
    version: r?.version ?? null,
    appliedVersion: r?.appliedVersion ?? null,
    applyStatus: r?.applyStatus ?? null,
    lastError: r?.lastError ?? null,
    inSync: r?.inSync ?? false,
  };
}

export async function getProfile(pageId: string): Promise<ProfileState> {
  try {
    return toState(described<ProfileAnswer>(await call('getPagesByIdMessengerProfile', p(pageId))));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'profile_not_found') return toState(null);
    throw err;
  }
}

/** Stores the desired profile, then queues its application to Meta. */
export async function saveProfile(pageId: string, state: ProfileState, profile: MessengerProfile) {
  const spec: Spec = {
    getStarted: profile.getStarted,
    greeting: profile.greeting,
    iceBreakers: [
      ...(profile.iceBreakers.length > 0 ? [{ locale: 'default', questions: [...profile.iceBreakers] }] : []),
      ...state.others.iceBreakers,
    ],
    persistentMenu: [
      ...(profile.persistentMenu.length > 0
        ? [{ locale: 'default', composerInputDisabled: false, items: [...profile.persistentMenu] }]
        : []),
      ...state.others.persistentMenu,
    ],
  };
  await call('putPagesByIdMessengerProfile', { ...p(pageId), body: { ...spec } });
  return toState(described<ProfileAnswer>(await call('postPagesByIdMessengerProfileApply', p(pageId))));
}
