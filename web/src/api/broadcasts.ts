/** `/api/v1/broadcasts…` as served by src/server/broadcast-routes.ts. */
import { type Answer, call, described, download, type Fields, type Operations } from './http.ts';

/** What `POST /api/v1/broadcasts` accepts, field by field from the document. */
export type NewBroadcast = Operations['postBroadcasts']['input']['body'];
export type Audience = NonNullable<NewBroadcast['audience']>;
/**
 * The schedule as created with the broadcast: `at` ISO with a zone (an absolute moment) or, with
 * `localTime`, a wall-clock `YYYY-MM-DDTHH:MM` read in each person's time zone.
 */
export type ScheduleInput = NonNullable<NewBroadcast['schedule']>;
/** A message the composer sends (text or a button template, among the document's kinds). */
export type NewMessage = NewBroadcast['content']['message'];
export type Intent = NewBroadcast['intent'];
type BroadcastAnswer = Answer<'getBroadcastsById'>;
export type BroadcastStatus = BroadcastAnswer['status'];

/** How the page reads a stored message (the document describes `content` in words). */
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

/**
 * A broadcast as the API shows it; the document describes `content` and `verdict` in words,
 * read here as the page's types.
 */
export type Broadcast = Omit<Fields<BroadcastAnswer>, 'content' | 'verdict'> & {
  readonly content: { readonly message: BroadcastMessage; readonly sender?: 'bot' | 'human' };
  readonly verdict: {
    readonly promotional: boolean;
    readonly score: number;
    readonly signals: readonly Signal[];
  };
};

/**
 * A stored schedule as the API renders it: `at` ISO with a zone (an absolute moment) or, with
 * `localTime`, a wall clock `YYYY-MM-DDTHH:MM` without offset read in each person's zone; null: now.
 */
export type Schedule = NonNullable<BroadcastAnswer['schedule']>;

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
  /** Of `sent`: first unknown, then proved sent by Meta's echo. */
  readonly confirmedByEcho: number;
}

export type Action = 'send' | 'pause' | 'resume' | 'cancel';

const b = (id: string) => ({ params: { id } });
const broadcastOf = (answer: BroadcastAnswer) => described<Broadcast>(answer);
const CONTROL = {
  send: 'postBroadcastsByIdSend',
  pause: 'postBroadcastsByIdPause',
  resume: 'postBroadcastsByIdResume',
  cancel: 'postBroadcastsByIdCancel',
} as const satisfies Record<Action, keyof Operations>;

export const listBroadcasts = () => call('getBroadcasts').then((r) => r.items.map(broadcastOf));
export const getBroadcast = (id: string) => call('getBroadcastsById', b(id)).then(broadcastOf);
export const createBroadcast = (input: NewBroadcast) =>
  call('postBroadcasts', { body: input }).then(broadcastOf);
/** The preflight and the report are described in words by the document: these are the page's readings. */
export const preflight = (id: string, at?: string) =>
  call('getBroadcastsByIdPreflight', { ...b(id), query: at ? { at } : {} }).then(described<Preflight>);
export const control = (id: string, action: Action) => call(CONTROL[action], b(id)).then(broadcastOf);
export const report = (id: string) => call('getBroadcastsByIdReport', b(id)).then(described<Report>);
/** Queues again the unknown sends Meta never echoed; `affected`: how many. */
export const resendUnconfirmed = (id: string) =>
  call('postBroadcastsByIdResendUnconfirmed', b(id)).then((answer) => ({
    broadcast: broadcastOf(answer),
    affected: Number((answer as { affected?: unknown }).affected ?? 0),
  }));
/** `group`: a preflight group key, `refused` or `all`. */
export const downloadGroupCsv = (id: string, group: string) =>
  download(
    'getBroadcastsByIdPreflightByFile',
    { params: { id, file: `${group}.csv` } },
    `${id}-${group.replace(':', '-')}.csv`,
    'text/csv;charset=utf-8',
  );
