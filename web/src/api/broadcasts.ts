/** `/api/v1/broadcasts…` as served by src/server/broadcast-routes.ts. */
import { download, get, post, type Query } from './http.ts';

export type BroadcastStatus = 'draft' | 'sending' | 'paused' | 'done' | 'cancelled';
export type Intent = 'promotional' | 'non_promotional' | 'transactional';

export interface Audience {
  readonly pageIds?: readonly string[];
  readonly labels?: {
    readonly all?: readonly string[];
    readonly any?: readonly string[];
    readonly none?: readonly string[];
  };
  readonly localePrefixes?: readonly string[];
  readonly lastSeenWithinDays?: number;
  readonly windowOpen?: boolean;
  readonly marketingSubscription?: 'active' | 'stopped' | 'expired' | 'none';
  readonly entryPoint?: string;
}

export interface BroadcastMessage {
  readonly type: string;
  readonly text?: string;
  readonly buttons?: readonly {
    type: 'web_url' | 'postback';
    title: string;
    url?: string;
    payload?: string;
  }[];
}

export interface Broadcast {
  readonly id: string;
  readonly name: string;
  readonly audience: Audience;
  readonly content: { readonly message: BroadcastMessage; readonly sender?: 'bot' | 'human' };
  readonly intent: Intent;
  readonly verdict: {
    readonly promotional: boolean;
    readonly score: number;
    readonly signals: readonly Signal[];
  };
  readonly status: BroadcastStatus;
  readonly fanOutDone: boolean;
  readonly enqueued: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Null: sent when started. */
  readonly schedule?: Schedule | null;
}

/** A stored schedule (src/broadcasts/schedule.ts): `at` is epoch ms (wall clock as UTC with `localTime`). */
export interface Schedule {
  readonly at: number | null;
  readonly localTime: boolean;
  readonly fallbackTimezone: number | null;
  readonly beforeWindowCloses: boolean;
  readonly windowMarginMinutes: number;
  readonly closedWindow: 'route' | 'skip';
}

/**
 * The schedule as created with the broadcast: `at` ISO with a zone (an absolute moment) or, with
 * `localTime`, a wall-clock `YYYY-MM-DDTHH:MM` read in each person's time zone.
 */
export interface ScheduleInput {
  readonly at?: string;
  readonly localTime?: boolean;
  readonly beforeWindowCloses?: boolean;
  readonly closedWindow?: 'route' | 'skip';
}

export interface Signal {
  readonly kind: string;
  readonly text: string;
}

export interface PreflightGroup {
  readonly key: string;
  readonly allowed: boolean;
  readonly count: number;
  readonly routes: Readonly<Record<string, number>>;
  readonly reason: string | null;
  readonly label: string;
  readonly message: string | null;
  readonly windowClosesEarliest: string | null;
  readonly windowClosesLatest: string | null;
  readonly alternatives: readonly { code: string; route: string | null; count: number; message: string }[];
}

export interface Preflight {
  readonly broadcastId: string;
  readonly at: string;
  readonly rules: string;
  readonly total: number;
  readonly allowed: number;
  readonly refused: number;
  readonly groups: readonly PreflightGroup[];
  readonly durationMs: number;
}

export interface Report {
  readonly id: string;
  readonly name: string;
  readonly status: BroadcastStatus;
  readonly fanOutDone: boolean;
  readonly enqueued: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly finished: number;
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  readonly refusedByReason: Readonly<Record<string, number>>;
  readonly failedByReason: Readonly<Record<string, number>>;
  readonly unknown: number;
}

export interface NewBroadcast {
  readonly name: string;
  readonly intent: Intent;
  readonly audience: Audience;
  readonly content: { readonly message: BroadcastMessage };
  readonly schedule?: ScheduleInput;
}

export type Action = 'send' | 'pause' | 'resume' | 'cancel';

export const listBroadcasts = () => get<{ items: Broadcast[] }>('/api/v1/broadcasts').then((r) => r.items);
export const getBroadcast = (id: string) => get<Broadcast>(`/api/v1/broadcasts/${encodeURIComponent(id)}`);
export const createBroadcast = (input: NewBroadcast) => post<Broadcast>('/api/v1/broadcasts', input);
export const preflight = (id: string, at?: string) =>
  get<Preflight>(`/api/v1/broadcasts/${encodeURIComponent(id)}/preflight`, { at } satisfies Query);
export const control = (id: string, action: Action) =>
  post<Broadcast>(`/api/v1/broadcasts/${encodeURIComponent(id)}/${action}`);
export const report = (id: string) => get<Report>(`/api/v1/broadcasts/${encodeURIComponent(id)}/report`);
/** `group`: a preflight group key, `refused` or `all`. */
export const downloadGroupCsv = (id: string, group: string) =>
  download(
    `/api/v1/broadcasts/${encodeURIComponent(id)}/preflight/${encodeURIComponent(group)}.csv`,
    `${id}-${group}.csv`,
  );
