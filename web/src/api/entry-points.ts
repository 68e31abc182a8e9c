/**
 * Entry points (docs/entry-points.md): `GET/POST /api/v1/entry-points`, `DELETE /:id`,
 * `GET /:id/qr.png|qr.svg` (images), `GET /:id/snippet` → `{ snippet, mmeUrl, lang }`,
 * `GET /:id/stats` → `{ byDay: [{ day, reached, newContacts, … }], totals }`; public landing `/l/:slug`.
 */
import { blobUrl, del, download, get, post } from './http.ts';

export type EntryKind = 'link' | 'comment' | 'ad';

export interface EntryPoint {
  readonly id: string;
  readonly name: string;
  readonly kind: EntryKind;
  readonly pageId: string;
  readonly ref: string | null;
  readonly slug: string | null;
  readonly language: string | null;
  readonly prefillText: string | null;
  readonly labels: readonly string[];
  readonly flowId: string | null;
  readonly sequenceId: string | null;
  readonly comment: { postIds: string[]; keywords: string[]; replyText: string } | null;
  readonly ad: { adIds: string[] } | null;
  readonly active: boolean;
  readonly mmeUrl: string;
  readonly landingUrl: string | null;
  readonly createdAt: number;
}

export interface NewEntryPoint {
  readonly name: string;
  readonly kind: EntryKind;
  readonly pageId: string;
  readonly ref?: string;
  readonly slug?: string;
  readonly prefillText?: string;
  readonly labels?: readonly string[];
  readonly comment?: { keywords: readonly string[]; postIds: readonly string[]; replyText: string };
  readonly ad?: { adIds: readonly string[] };
}

export interface DayStats {
  readonly day: string;
  readonly reached: number;
  readonly newContacts: number;
  readonly conversationsOpened: number;
  readonly windowsOpened: number;
  readonly optIns: number;
  readonly optOuts: number;
}

const e = (id: string) => `/api/v1/entry-points/${encodeURIComponent(id)}`;

export const listEntryPoints = () =>
  get<{ items: EntryPoint[] }>('/api/v1/entry-points').then((r) => r.items);
export const createEntryPoint = (input: NewEntryPoint) => post<EntryPoint>('/api/v1/entry-points', input);
export const deleteEntryPoint = (id: string) => del(e(id));
/** QR codes exist for links and ads (a comment entry point has no link of its own). */
export const hasQr = (ep: EntryPoint) => ep.kind !== 'comment';
export const qrPreview = (id: string) => blobUrl(`${e(id)}/qr.svg`);
export const downloadQr = (ep: EntryPoint, format: 'png' | 'svg') =>
  download(`${e(ep.id)}/qr.${format}?size=1024`, `${ep.slug ?? ep.ref ?? ep.id}.${format}`);
export const snippet = (id: string) =>
  get<{ snippet: string; mmeUrl: string; lang: string }>(`${e(id)}/snippet`).then((r) => r.snippet);
export const stats = (id: string) => get<{ byDay: DayStats[] }>(`${e(id)}/stats`).then((r) => r.byDay);
/** The public landing page of an entry point (null when it has none). */
export const landingUrl = (ep: EntryPoint): string | null => ep.landingUrl;
