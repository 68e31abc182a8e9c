/** The inbox (CONTRACTS.md, inbox branch): conversations, thread, preview, reply, notes, canned replies, stream. */
import type { ContactView } from './contacts.ts';
import { del, get, post } from './http.ts';
import type { Decision } from './policy.ts';

export type ConversationFilter = 'unassigned' | 'mine' | 'waiting' | 'closed' | 'all';

export interface Conversation {
  readonly id: string;
  readonly contact: ContactView;
  readonly status: string;
  readonly assignedUserId: string | null;
  readonly lastMessageAt: number | string | null;
  readonly unreadCount: number;
  readonly handoffAt: number | string | null;
  readonly threadOwner: string | null;
}

/**
 * One line of a thread (docs/inbox.md): a stored message (`type: 'message'`, `direction`, `author`,
 * `via: 'page_inbox'` for replies typed in Meta's Page Inbox, `route`), an internal note
 * (`type: 'note'`) or an agent's reply not sent yet (`type: 'reply'`, with its outbox `status` and,
 * when refused at dispatch, its `reasons`).
 */
export interface ThreadItem {
  readonly type: 'message' | 'note' | 'reply';
  readonly id: string;
  readonly createdAt: number;
  readonly direction?: 'in' | 'out';
  readonly author?: 'contact' | 'bot' | 'human';
  readonly via?: string;
  readonly kind?: string;
  readonly text?: string | null;
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

const c = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;

export const listConversations = (filter: ConversationFilter) =>
  get<{ items: Conversation[] }>('/api/v1/conversations', { filter }).then((r) => r.items);
export const messages = (id: string) =>
  get<{ items: ThreadItem[] }>(`${c(id)}/messages`).then((r) => r.items);
export const previewReply = (id: string, text: string) =>
  post<{ decision: Decision }>(`${c(id)}/preview`, { text });
export const reply = (id: string, text: string) =>
  post<{ outboxId: string; decision: Decision }>(`${c(id)}/reply`, { text });
export const assign = (id: string, userId: string | null) => post(`${c(id)}/assign`, { userId });
export const addNote = (id: string, text: string) => post(`${c(id)}/notes`, { text });
export const close = (id: string) => post(`${c(id)}/close`);
export const reopen = (id: string) => post(`${c(id)}/reopen`);
export const handover = (id: string, to: 'page_inbox' | 'app') => post(`${c(id)}/handover`, { to });

export const listCanned = () => get<{ items: CannedReply[] }>('/api/v1/canned-replies').then((r) => r.items);
export const createCanned = (input: { title: string; text: string }) =>
  post<CannedReply>('/api/v1/canned-replies', input);
export const deleteCanned = (id: string) => del(`/api/v1/canned-replies/${encodeURIComponent(id)}`);

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
