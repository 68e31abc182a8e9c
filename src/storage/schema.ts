/**
 * The database schema as Kysely sees it: one interface per table, snake_case column names.
 *
 * Conventions shared by both dialects (one migration set, see migrations/0001_initial.ts):
 * - ids are text, app-generated and time-ordered (`newId()`), except `pages.id`, the Meta Page id;
 * - timestamps are epoch milliseconds in bigint columns (pg's int8 parser is set to numbers);
 * - JSON is stored as text and (de)serialised by the repositories;
 * - booleans are integers 0/1;
 * - columns ending in `_enc` hold `v1:…` AES-256-GCM text from `src/lib/crypto.ts`, never plaintext.
 */

export type Millis = number;
/** A JSON document serialised to text. */
export type JsonText = string;
/** 0 or 1. */
export type IntBool = 0 | 1;

export type PageStatus = 'active' | 'paused' | 'restricted' | 'needs_reconnect';
export type ConversationStatus = 'open' | 'closed';
export type MessageDirection = 'in' | 'out';
export type MessageSender = 'contact' | 'bot' | 'human' | 'page_inbox';
export type OutboxOrigin = 'flow' | 'broadcast' | 'sequence' | 'agent' | 'api';
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'refused' | 'failed' | 'unknown';
export type MarketingStatus = 'active' | 'stopped' | 'expired';
export type LegacyTokenStatus = 'active' | 'stopped';

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: Millis;
}

export interface PagesTable {
  /** The Meta Page id. */
  id: string;
  workspace_id: string;
  name: string;
  access_token_enc: string | null;
  app_secret_enc: string | null;
  verify_token_enc: string | null;
  /** `{humanAgent, utilityMessaging, marketingMessages, newsPageIndex}` */
  permissions: JsonText;
  status: PageStatus;
  status_reason: string | null;
  /** ISO 3166-1 alpha-2 country of the business (Marketing Message API eligibility). */
  business_country: string | null;
  /** Ad account used by the Marketing Message API (`act_<id>/messages`). */
  ad_account_id: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  page_id: string;
  /** Page-scoped id of the person. */
  psid: string;
  user_ref: string | null;
  first_name: string | null;
  last_name: string | null;
  profile_pic: string | null;
  locale: string | null;
  /** Hours offset from UTC (may be fractional, e.g. 5.5). */
  timezone: number | null;
  country: string | null;
  profile_fetched_at: Millis | null;
  /** JSON array of label names. */
  labels: JsonText;
  /** JSON object of custom fields. */
  fields: JsonText;
  first_entry_point: string | null;
  last_entry_point: string | null;
  first_seen_at: Millis;
  last_seen_at: Millis;
  last_inbound_at: Millis | null;
  last_inbound_kind: string | null;
  ad_window_started_at: Millis | null;
  window_closed_by_graph_at: Millis | null;
  blocked: IntBool;
  blocked_at: Millis | null;
  unreachable_at: Millis | null;
  opted_out_at: Millis | null;
  marketing_token_enc: string | null;
  marketing_status: MarketingStatus | null;
  marketing_token_expires_at: Millis | null;
  marketing_last_sent_at: Millis | null;
  legacy_token_enc: string | null;
  legacy_token_status: LegacyTokenStatus | null;
  legacy_token_expires_at: Millis | null;
  legacy_last_sent_at: Millis | null;
  otn_token_enc: string | null;
  otn_created_at: Millis | null;
  otn_used_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface ConversationsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  page_id: string;
  status: ConversationStatus;
  assigned_user_id: string | null;
  /** Handover protocol: which app owns the thread ('page_inbox', our app id, …); null = us. */
  thread_owner: string | null;
  last_message_at: Millis | null;
  last_inbound_at: Millis | null;
  unread_count: number;
  created_at: Millis;
  updated_at: Millis;
  closed_at: Millis | null;
  /** When automation or the person asked for a human (migration 0004); null when not waiting. */
  handoff_at: Millis | null;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  contact_id: string;
  page_id: string;
  direction: MessageDirection;
  /** Meta message id; unique when present (inbound dedupe, echoes). */
  mid: string | null;
  /** text, image, template, postback, quick_reply, reaction, … */
  kind: string;
  text: string | null;
  payload: JsonText | null;
  sender: MessageSender;
  /** The outbox row that produced an outbound message. */
  outbox_id: string | null;
  created_at: Millis;
  delivered_at: Millis | null;
  read_at: Millis | null;
}

export interface WebhookBodiesTable {
  id: string;
  received_at: Millis;
  /** The raw request body, exactly as signed by Meta. */
  raw: string;
  processed_at: Millis | null;
  /** Lease: a worker holds the body until then; afterwards another may take it over. */
  claimed_until: Millis | null;
  attempts: number;
  error: string | null;
}

export interface InboundLogTable {
  id: string;
  page_id: string;
  body_id: string | null;
  /** mid, or a hash of page + sender + timestamp + type. */
  dedupe_key: string;
  received_at: Millis;
  /** Timestamp Meta put on the event. */
  event_ts: Millis;
  kind: string;
  psid: string | null;
  payload: JsonText;
  processed_at: Millis | null;
  claimed_until: Millis | null;
  attempts: number;
  error: string | null;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string | null;
  page_id: string | null;
  contact_id: string | null;
  /** Outbox id or another reference to the message the decision is about. */
  message_ref: string | null;
  at: Millis;
  rule_set: string;
  route: string | null;
  allowed: IntBool;
  /** JSON array of `{code, params?}`. */
  reasons: JsonText;
  evidence: JsonText | null;
  decision: JsonText | null;
  graph_status: string | null;
  graph_response: JsonText | null;
  fbtrace_id: string | null;
}

/** One row per (audit entry, reason code): makes "every refusal for reason X" an index lookup. */
export interface AuditReasonsTable {
  audit_id: string;
  code: string;
  at: Millis;
}

export interface OutboxTable {
  id: string;
  workspace_id: string;
  page_id: string;
  contact_id: string;
  origin: OutboxOrigin;
  origin_id: string | null;
  idempotency_key: string;
  content: JsonText;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Millis;
  decision: JsonText | null;
  result: JsonText | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Schema {
  workspaces: WorkspacesTable;
  pages: PagesTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  webhook_bodies: WebhookBodiesTable;
  inbound_log: InboundLogTable;
  audit_log: AuditLogTable;
  audit_reasons: AuditReasonsTable;
  outbox: OutboxTable;
  settings: SettingsTable;

  // --- Job queue (src/queue/embedded.ts, migration 0002_jobs) ---
  jobs: JobsTable;

  // --- Broadcasts (src/broadcasts, migration 0003_broadcasts) ---
  broadcasts: BroadcastsTable;

  // --- Inbox (migration 0011) ---
  inbox_notes: InboxNotesTable;
  canned_replies: CannedRepliesTable;
  contact_changes: ContactChangesTable;
}

// --- Job queue (src/queue/embedded.ts, migration 0002_jobs) ---

/** A column the database fills on insert (Kysely makes it optional in inserts only). */
type Generated<T> = import('kysely').ColumnType<T, T | undefined, T>;

/** waiting (due or delayed by `run_at`), active (leased), completed (pruned later), failed (kept). */
export type JobState = 'waiting' | 'active' | 'completed' | 'failed';

export interface JobsTable {
  id: string;
  /** The queue name jobs are enqueued under and workers take from. */
  queue: string;
  /** Idempotency key, unique per queue; null for unkeyed jobs. */
  key: string | null;
  payload: JsonText;
  /** Defaults to 'waiting' on insert. */
  state: Generated<JobState>;
  run_at: Millis;
  /** Failed attempts so far; `retry_at` reschedules and lease expiries do not count. */
  attempts_made: Generated<number>;
  max_attempts: number;
  backoff_type: 'exponential' | 'fixed';
  backoff_ms: number;
  /** Times a lease expired while the job ran (its worker died); too many fail the job. */
  stalls: Generated<number>;
  /** Identifies one claim: only the run holding it may record the outcome. */
  lock_token: string | null;
  /** Lease end while active; after it, the job is taken back. */
  locked_until: Millis | null;
  last_error: string | null;
  created_at: Millis;
  finished_at: Millis | null;
}

// --- Broadcasts (src/broadcasts, migration 0003_broadcasts) ---

export type BroadcastStatus = 'draft' | 'sending' | 'paused' | 'cancelled' | 'done';
export type BroadcastIntent = 'promotional' | 'non_promotional' | 'transactional';

export interface BroadcastsTable {
  id: string;
  workspace_id: string;
  name: string;
  /** JSON: the audience filter (src/broadcasts/model.ts `Audience`). */
  audience: JsonText;
  /** JSON: `OutboxContent` whose texts may hold `{{first_name|fallback}}` placeholders. */
  content: JsonText;
  intent: BroadcastIntent;
  /** JSON: the classifier's verdict on the content at creation. */
  verdict: JsonText;
  status: BroadcastStatus;
  /** Fan-out keyset cursor: id of the last contact considered (null before the first chunk). */
  fanout_cursor: string | null;
  /** 1 once every audience member has an outbox row. */
  fanout_done: IntBool;
  /** Outbox rows created by the fan-out so far. */
  enqueued: number;
  created_at: Millis;
  updated_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
}

// --- Inbox (migration 0011) ---

/** An internal note on a conversation: read by the team, never sent to the person. */
export interface InboxNotesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  contact_id: string;
  /** Null when written with the installation token. */
  author_user_id: string | null;
  text: string;
  created_at: Millis;
}

/** A reply the team reuses; `text` may hold `{{first_name}}`-style placeholders. */
export interface CannedRepliesTable {
  id: string;
  workspace_id: string;
  title: string;
  text: string;
  shortcut: string | null;
  created_by: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A label or field edit on a contact, kept for the contact's timeline. */
export interface ContactChangesTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  at: Millis;
  actor_user_id: string | null;
  /** JSON: `{addLabels?, removeLabels?, fields?}` as applied. */
  change: JsonText;
}
