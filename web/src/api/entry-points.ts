/**
 * Entry points (docs/entry-points.md): `GET/POST /api/v1/entry-points`, `DELETE /:id`,
 * `GET /:id/qr.png|qr.svg` (images), `GET /:id/snippet` → `{ snippet, mmeUrl, lang }`,
 * `GET /:id/stats` → `{ byDay: [{ day, reached, newContacts, … }], totals }`; public landing `/l/:slug`.
 */
import { type Answer, blobUrl, call, described, download, type Fields } from './http.ts';

export type EntryKind = 'link' | 'comment' | 'ad';

/**
 * An entry point as the API shows it; the document describes `comment` and `ad` in words, read here as
 * the page's types.
 */
export type EntryPoint = Omit<Fields<Answer<'getEntryPointsById'>>, 'comment' | 'ad'> & {
  readonly comment: { postIds: string[]; keywords: string[]; replyText: string } | null;
  readonly ad: { adIds: string[] } | null;
};

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

const e = (id: string) => ({ params: { id } });
const entryPointOf = (answer: Answer<'getEntryPointsById'>) => described<EntryPoint>(answer);

export const listEntryPoints = () => call('getEntryPoints').then((r) => r.items.map(entryPointOf));
export const createEntryPoint = (input: NewEntryPoint) =>
  call('postEntryPoints', {
    body: {
      ...input,
      labels: input.labels && [...input.labels],
      comment: input.comment && {
        keywords: [...input.comment.keywords],
        postIds: [...input.comment.postIds],
        replyText: input.comment.replyText,
      },
      ad: input.ad && { adIds: [...input.ad.adIds] },
    },
  }).then(entryPointOf);
export const deleteEntryPoint = (id: string) => call('deleteEntryPointsById', e(id));
/** QR codes exist for links and ads (a comment entry point has no link of its own). */
export const hasQr = (ep: EntryPoint) => ep.kind !== 'comment';
export const qrPreview = (id: string) => blobUrl('getEntryPointsByIdQrSvg', e(id), 'image/svg+xml');
export const downloadQr = (ep: EntryPoint, format: 'png' | 'svg') =>
  format === 'png'
    ? download(
        'getEntryPointsByIdQrPng',
        { ...e(ep.id), query: { size: '1024' } },
        qrName(ep, 'png'),
        'image/png',
      )
    : download(
        'getEntryPointsByIdQrSvg',
        { ...e(ep.id), query: { size: '1024' } },
        qrName(ep, 'svg'),
        'image/svg+xml',
      );
const qrName = (ep: EntryPoint, format: string) => `${ep.slug ?? ep.ref ?? ep.id}.${format}`;
/** The snippet and the stats are described in words by the document: these are the page's readings. */
export const snippet = (id: string) =>
  call('getEntryPointsByIdSnippet', e(id)).then((r) => described<{ snippet: string }>(r).snippet);
export const stats = (id: string) =>
  call('getEntryPointsByIdStats', e(id)).then((r) => described<{ byDay: DayStats[] }>(r).byDay);
/** The public landing page of an entry point (null when it has none). */
export const landingUrl = (ep: EntryPoint): string | null => ep.landingUrl;
