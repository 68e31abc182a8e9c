/**
 * Live inbox updates that work across processes: one shared poller per process reads what changed in
 * the database (new messages by their time-ordered id, conversations by update time) every
 * `intervalMs` while at least one stream listens, and fans the changes out per workspace.
 *
 * Why a look-back instead of a strict cursor: message ids carry Meta's event time, and events are
 * applied out of order and by several workers, so a late message can get an id below the last one
 * seen. Each poll re-reads the last `lookbackMs` and skips what it already reported.
 */

import type { InboxConversation, RecentMessage } from '../storage/inbox.ts';
import { type Database, inbox } from '../storage/index.ts';
import { threadOwnerOf } from './views.ts';

export type StreamEvent =
  | { readonly type: 'message'; readonly data: ReturnType<typeof messageEvent> }
  | { readonly type: 'conversation'; readonly data: ReturnType<typeof conversationEvent> };

export type Listener = (event: StreamEvent) => void;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The smallest id `newId(at)` can produce: ids above it were minted at or after `at`. */
export function idFloor(at: number): string {
  const time = Math.max(0, Math.floor(at));
  let out = '';
  for (let i = 9; i >= 0; i--) out += ALPHABET[Math.floor(time / 32 ** i) % 32];
  return `${out}${'0'.repeat(16)}`;
}

function messageEvent(m: RecentMessage) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    contactId: m.contactId,
    direction: m.direction,
    author: m.sender === 'contact' ? 'contact' : m.sender === 'bot' ? 'bot' : 'human',
    sender: m.sender,
    kind: m.kind,
    text: m.text,
    createdAt: m.createdAt,
  };
}

function conversationEvent(c: InboxConversation) {
  return {
    id: c.id,
    contactId: c.contactId,
    pageId: c.pageId,
    status: c.status,
    assignedUserId: c.assignedUserId,
    lastMessageAt: c.lastMessageAt,
    unreadCount: c.unreadCount,
    handoffAt: c.handoffAt,
    threadOwner: threadOwnerOf(c.threadOwner),
    updatedAt: c.updatedAt,
  };
}

export interface InboxStreamOptions {
  /** Default 500 ms. */
  readonly intervalMs?: number;
  /** Default 60 s. */
  readonly lookbackMs?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
}

export interface InboxStream {
  /** Starts receiving the workspace's events; returns the unsubscribe function. */
  subscribe(workspaceId: string, listener: Listener): () => void;
  /** How many listeners are subscribed (health, tests). */
  listenerCount(): number;
  /** Polls once now (tests). */
  poll(): Promise<void>;
  close(): void;
}

export function createInboxStream(database: Database, options: InboxStreamOptions = {}): InboxStream {
  const { intervalMs = 500, lookbackMs = 60_000, now = Date.now } = options;
  const listeners = new Map<string, Set<Listener>>();
  const seenMessages = new Map<string, number>();
  const seenConversations = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let primed = false;
  let running: Promise<void> | null = null;
  let closed = false;

  const emit = (workspaceId: string, event: StreamEvent) => {
    for (const l of listeners.get(workspaceId) ?? []) l(event);
  };

  async function pollOnce(): Promise<void> {
    const t = now();
    const since = t - lookbackMs;
    let after = idFloor(since);
    const fresh: RecentMessage[] = [];
    for (;;) {
      const batch = await inbox.messagesAfterId(database, after, 1000);
      for (const m of batch) if (!seenMessages.has(m.id)) fresh.push(m);
      if (batch.length < 1000) break;
      after = batch[batch.length - 1]!.id;
    }
    const convs = await inbox.conversationsUpdatedSince(database, since, 5000);
    if (primed) {
      for (const m of fresh) emit(m.workspaceId, { type: 'message', data: messageEvent(m) });
    }
    for (const m of fresh) seenMessages.set(m.id, m.createdAt);
    for (const c of convs) {
      const signature = `${c.updatedAt}:${c.unreadCount}:${c.status}:${c.assignedUserId}:${c.threadOwner}:${c.handoffAt}`;
      if (seenConversations.get(c.id) === signature) continue;
      seenConversations.set(c.id, signature);
      if (primed) emit(c.workspaceId, { type: 'conversation', data: conversationEvent(c) });
    }
    primed = true;
    // Forget what fell out of the look-back: memory stays bounded by the recent traffic.
    for (const [id, at] of seenMessages) if (at < since - lookbackMs) seenMessages.delete(id);
    if (seenConversations.size > 20_000) seenConversations.clear();
  }

  const poll = (): Promise<void> => {
    running ??= pollOnce()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = () => {
    if (timer !== null || closed) return;
    timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
  };

  return {
    subscribe(workspaceId, listener) {
      let set = listeners.get(workspaceId);
      if (!set) {
        set = new Set();
        listeners.set(workspaceId, set);
      }
      set.add(listener);
      if (!primed) void poll();
      schedule();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(workspaceId);
        if (listeners.size === 0 && timer !== null) {
          clearInterval(timer);
          timer = null;
          // Start afresh next time: what happened while nobody listened is not news.
          primed = false;
          seenMessages.clear();
          seenConversations.clear();
        }
      };
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    poll,
    close() {
      closed = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      listeners.clear();
    },
  };
}
