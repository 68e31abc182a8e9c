/**
 * Entry points (entry branch). CONTRACTS.md names the paths only; the shapes here are ASSUMPTIONS
 * (keep any re-mapping in this file):
 * - `GET /api/v1/entry-points` → `{ items: EntryPoint[] }`; `POST` `{ name, kind, pageId, ref, ... }` → EntryPoint
 * - `GET /:id/qr.png|qr.svg` (image), `GET /:id/snippet` → `{ html }` or text, `GET /:id/stats` → `{ byDay: [{ day, count }] }`
 * - public landing page `/l/:slug`.
 */
import { blobUrl, del, download, get, post, request, send } from './http.ts';

export type EntryKind = 'm_me' | 'qr' | 'landing' | 'chat_plugin' | 'comment' | 'ad';

export interface EntryPoint {
  readonly id: string;
  readonly name: string;
  readonly kind: EntryKind | string;
  readonly pageId: string | null;
  readonly ref: string | null;
  readonly slug?: string | null;
  readonly url?: string | null;
  readonly flowId?: string | null;
  readonly sequenceId?: string | null;
  readonly labels?: readonly string[];
  readonly createdAt?: number | string;
  readonly count?: number;
}

export interface NewEntryPoint {
  readonly name: string;
  readonly kind: string;
  readonly pageId?: string;
  readonly ref?: string;
  readonly slug?: string;
  readonly flowId?: string;
  readonly labels?: readonly string[];
}

const e = (id: string) => `/api/v1/entry-points/${encodeURIComponent(id)}`;

export const listEntryPoints = () =>
  get<{ items: EntryPoint[] }>('/api/v1/entry-points').then((r) => r.items);
export const createEntryPoint = (input: NewEntryPoint) => post<EntryPoint>('/api/v1/entry-points', input);
export const deleteEntryPoint = (id: string) => del(e(id));
export const qrPreview = (id: string) => blobUrl(`${e(id)}/qr.svg`);
export const downloadQr = (id: string, format: 'png' | 'svg') =>
  download(`${e(id)}/qr.${format}`, `qr-${id}.${format}`);
export async function snippet(id: string): Promise<string> {
  const res = await send('GET', `${e(id)}/snippet`);
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as { html?: string; snippet?: string };
    return parsed.html ?? parsed.snippet ?? text;
  } catch {
    return text;
  }
}
export const stats = (id: string) =>
  request<{ byDay?: { day: string; count: number }[]; items?: { day: string; count: number }[] }>(
    'GET',
    `${e(id)}/stats`,
  ).then((r) => r.byDay ?? r.items ?? []);
/** The public landing page of an entry point (null when it has none). */
export const landingUrl = (ep: EntryPoint): string | null =>
  ep.slug ? `/l/${encodeURIComponent(ep.slug)}` : null;
