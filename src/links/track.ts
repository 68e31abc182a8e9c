/**
 * Tracked links: a message's web links (URL buttons, a card's default action, http(s) and www.
 * links written in text) are replaced by `${baseUrl}/r/<code>`, one code per origin, person and
 * destination, minted once (a retry or a resumed broadcast sends the same code again).
 *
 * The policy must still judge the ORIGINAL destinations (a tracked shop link is still a shop link):
 * the rewritten content carries `trackedLinks` (tracked URL → original), and `messageFacts` reads
 * the originals back. Broadcasts additionally classify before rewriting.
 */
import type { Button, GenericElement, OutboundMessage } from '../messenger/outbound.ts';
import type { OutboxContent } from '../outbound/content.ts';
import { type LinkOriginKind, links, type Queryable } from '../storage/index.ts';
import { newLinkCode } from './code.ts';

export interface TrackLinksInput {
  readonly workspaceId: string;
  readonly content: OutboxContent;
  readonly origin: { readonly kind: LinkOriginKind; readonly id: string };
  readonly contactId: string;
  /** Public base URL of this Ventana (config `VENTANA_PUBLIC_URL`), without a trailing slash. */
  readonly baseUrl: string;
}

export interface TrackOptions {
  /** Creation time of new links. Default: the wall clock. */
  readonly now?: number;
  /** Default: 12 random base62 characters. */
  readonly newCode?: () => string;
}

/** Links written in text: with a scheme, or starting with `www.` (bare domains are left alone). */
const TEXT_URL = /(?<![\w@.\-/])(?:https?:\/\/|www\.)[^\s<>"'«»]+/gi;
const TRAILING = /[.,;:!?)\]]+$/;
const TEXT_MAX = 2000;

function textUrls(text: string): { readonly start: number; readonly end: number; readonly url: string }[] {
  const out: { start: number; end: number; url: string }[] = [];
  TEXT_URL.lastIndex = 0;
  for (let m = TEXT_URL.exec(text); m !== null; m = TEXT_URL.exec(text)) {
    const shown = m[0].replace(TRAILING, '');
    out.push({ start: m.index, end: m.index + shown.length, url: shown });
  }
  return out;
}

/** The destination a written link leads to (`www.x.com` → `https://www.x.com`). */
function destinationOf(shown: string): string {
  return /^https?:\/\//i.test(shown) ? shown : `https://${shown}`;
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url);
}

/**
 * Every destination `rewriteLinks` would replace, in order of appearance, without repeats.
 * Links already tracked (under `baseUrl/r/`) are left out. Pure.
 */
export function trackableUrls(message: OutboundMessage, baseUrl: string): string[] {
  const prefix = `${baseUrl}/r/`;
  const found: string[] = [];
  const add = (url: string | undefined) => {
    if (url === undefined || !isWebUrl(url) || url.startsWith(prefix) || found.includes(url)) return;
    found.push(url);
  };
  const fromButtons = (buttons: readonly Button[] | undefined) => {
    for (const b of buttons ?? []) if (b.type === 'web_url') add(b.url);
  };
  switch (message.type) {
    case 'text':
      for (const t of textUrls(message.text)) add(destinationOf(t.url));
      break;
    case 'button_template':
      for (const t of textUrls(message.text)) add(destinationOf(t.url));
      fromButtons(message.buttons);
      break;
    case 'generic_template':
      for (const e of message.elements) {
        add(e.defaultActionUrl);
        fromButtons(e.buttons);
      }
      break;
    default:
      break;
  }
  return found;
}

/**
 * The content with each destination in `tracked` (original → tracked URL) replaced, and the map
 * back to the originals in `trackedLinks`. A text that would grow past Messenger's 2,000 characters
 * keeps its links as they were. Pure.
 */
export function rewriteLinks(content: OutboxContent, tracked: ReadonlyMap<string, string>): OutboxContent {
  if (tracked.size === 0) return content;
  const back: Record<string, string> = { ...(content.trackedLinks ?? {}) };
  const swap = (url: string): string => {
    const t = tracked.get(url);
    if (t === undefined) return url;
    back[t] = url;
    return t;
  };
  const swapText = (text: string): string => {
    let out = '';
    let last = 0;
    const pending: [string, string][] = [];
    for (const t of textUrls(text)) {
      const to = tracked.get(destinationOf(t.url));
      if (to === undefined) continue;
      out += text.slice(last, t.start) + to;
      last = t.end;
      pending.push([to, destinationOf(t.url)]);
    }
    if (pending.length === 0) return text;
    out += text.slice(last);
    if (out.length > TEXT_MAX) return text;
    for (const [to, from] of pending) back[to] = from;
    return out;
  };
  const swapButtons = (buttons: readonly Button[]): Button[] =>
    buttons.map((b) => (b.type === 'web_url' ? { ...b, url: swap(b.url) } : b));
  const m = content.message;
  let message: OutboundMessage = m;
  switch (m.type) {
    case 'text':
      message = { ...m, text: swapText(m.text) };
      break;
    case 'button_template':
      message = { ...m, text: swapText(m.text), buttons: swapButtons(m.buttons) };
      break;
    case 'generic_template':
      message = {
        ...m,
        elements: m.elements.map(
          (e): GenericElement => ({
            ...e,
            ...(e.defaultActionUrl !== undefined ? { defaultActionUrl: swap(e.defaultActionUrl) } : {}),
            ...(e.buttons !== undefined ? { buttons: swapButtons(e.buttons) } : {}),
          }),
        ),
      };
      break;
    default:
      return content;
  }
  return Object.keys(back).length === 0 ? content : { ...content, message, trackedLinks: back };
}

/**
 * Many contents at once (a dispatch batch): the links of all of them minted in a few statements.
 * Call it inside the transaction that records the decisions, so a code exists before anyone can
 * click it. Returns the rewritten contents in input order (unchanged when there is nothing to track).
 */
export async function trackLinksMany(
  database: Queryable,
  inputs: readonly TrackLinksInput[],
  { now = Date.now(), newCode = newLinkCode }: TrackOptions = {},
): Promise<OutboxContent[]> {
  const requests: links.LinkRequest[] = [];
  const perInput = inputs.map((input) => {
    const base = input.baseUrl.replace(/\/+$/, '');
    const urls = trackableUrls(input.content.message, base);
    const first = requests.length;
    for (const url of urls)
      requests.push({
        workspaceId: input.workspaceId,
        originKind: input.origin.kind,
        originId: input.origin.id,
        contactId: input.contactId,
        url,
      });
    return { base, urls, first };
  });
  if (requests.length === 0) return inputs.map((i) => i.content);
  const codes = await links.ensureLinks(database, requests, { newCode, now });
  return inputs.map((input, i) => {
    const { base, urls, first } = perInput[i]!;
    if (urls.length === 0) return input.content;
    const map = new Map(urls.map((url, j) => [url, `${base}/r/${codes[first + j]}`]));
    return rewriteLinks(input.content, map);
  });
}

/**
 * Rewrites one content's web links to tracked redirects for one person (contract for sequences and
 * flows: call it where the content is personalised, before enqueueing or sending). Idempotent per
 * origin + contact + URL.
 * @example
 *   const content = await trackLinks(db, { workspaceId, content, origin: { kind: 'sequence', id }, contactId, baseUrl });
 */
export async function trackLinks(
  db: Queryable,
  input: TrackLinksInput,
  options: TrackOptions = {},
): Promise<OutboxContent> {
  return (await trackLinksMany(db, [input], options))[0]!;
}
