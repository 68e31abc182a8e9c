/** The inbox (CONTRACTS.md, inbox branch): conversations, thread, preview, reply, notes, canned replies, stream. */
import { type Answer, call, described } from './http.ts';
import type { Decision } from './policy.ts';

export type ConversationFilter = 'unassigned' | 'mine' | 'waiting' | 'closed' | 'all';

export type Conversation = Answer<'getConversations'>['items'][number];

/**
 * One line of a thread (docs/inbox.md): a stored message (`type: 'message'`, `direction`, `author`,
 * `via: 'page_inbox'` for replies typed in Meta's Page Inbox, `route`), an internal note
 * (`type: 'note'`) or an agent's reply not sent yet (`type: 'reply'`, with its outbox `status` and,
 * when refused at dispatch, its `reasons`).
 */
/** An attachment of a thread line: its type, an http(s) URL when Meta gave one, a title for links. */
export interface ThreadAttachment {
  readonly type: string;
  readonly url: string | null;
  readonly title: string | null;
}

export interface ThreadItem {
  readonly type: 'message' | 'note' | 'reply';
  readonly id: string;
  readonly createdAt: number;
  readonly direction?: 'in' | 'out';
  readonly author?: 'contact' | 'bot' | 'human';
  readonly via?: string;
  readonly kind?: string;
  readonly text?: string | null;
  readonly attachments?: readonly ThreadAttachment[];
  readonly route?: string | null;
  readonly status?: string;
  readonly reasons?: readonly (string | { code: string; message?: string })[];
}

export interface CannedReply {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface RefusedReply {
  readonly reasons: readonly { code: string; message: string }[];
  readonly alternatives: readonly { route?: string | null; code?: string; message: string }[];
}

const c = (id: string) => ({ params: { id } });

export const listConversations = (filter: ConversationFilter) =>
  call('getConversations', { query: { filter } }).then((r) => r.items);
/** A thread's lines are described in words by the document: `ThreadItem` is the page's reading. */
export const messages = (id: string) =>
  call('getConversationsByIdMessages', c(id)).then((r) => described<ThreadItem[]>(r.items));
/** The pipeline's decision is described in words by the document: `Decision` is the page's reading. */
export const previewReply = (id: string, text: string) =>
  call('postConversationsByIdPreview', { ...c(id), body: { text } }).then((r) => ({
    decision: described<Decision>(r.decision),
  }));
export const reply = (id: string, text: string) =>
  call('postConversationsByIdReply', { ...c(id), body: { text } }).then((r) => ({
    outboxId: r.outboxId,
    decision: described<Decision>(r.decision),
  }));
export const assign = (id: string, userId: string | null) =>
  call('postConversationsByIdAssign', { ...c(id), body: { userId } });
export const addNote = (id: string, text: string) =>
  call('postConversationsByIdNotes', { ...c(id), body: { text } });
export const close = (id: string) => call('postConversationsByIdClose', c(id));
export const reopen = (id: string) => call('postConversationsByIdReopen', c(id));
export const handover = (id: string, to: 'page_inbox' | 'app') =>
  call('postConversationsByIdHandover', { ...c(id), body: { to } });

export const listCanned = () => call('getCannedReplies').then((r) => described<CannedReply[]>(r.items));
export const createCanned = (input: { title: string; text: string }) =>
  call('postCannedReplies', { body: input }).then(described<CannedReply>);
export const deleteCanned = (id: string) => call('deleteCannedRepliesById', c(id));

/**
 * Live updates. Server-sent events carry the session cookie; an installation-token session cannot
 * set headers on EventSource, so the caller polls instead. `onLive(true)` once the stream is open,
 * `onLive(false)` when the server refuses it for good (e.g. no such endpoint): then poll.
 */
export function openStream(
  onEvent: (kind: 'message' | 'conversation', data: unknown) => void,
  onLive: (live: boolean) => void,
): () => void {
  if (typeof EventSource === 'undefined') {
    onLive(false);
    return () => {};
  }
  const source = new EventSource('/api/v1/stream', { withCredentials: true });
  const handler = (kind: 'message' | 'conversation') => (e: MessageEvent<string>) => {
    let data: unknown = null;
    try {
      data = JSON.parse(e.data);
    } catch {
      data = e.data;
    }
    onEvent(kind, data);
  };
  source.addEventListener('open', () => onLive(true));
  // The browser reconnects by itself after a dropped connection; CLOSED means it gave up.
  source.addEventListener('error', () => onLive(source.readyState === EventSource.OPEN));
  source.addEventListener('message', handler('message'));
  source.addEventListener('conversation', handler('conversation'));
  return () => source.close();
}
