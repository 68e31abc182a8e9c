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
export type OutboxOrigin = 'flow' | 'broadcast' | 'sequence' | 'agent' | 'api' | 'entry_point';
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

  // --- Accounts (migration 0010) ---
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_throttle: LoginThrottleTable;

  // --- Sequences (src/sequences, migration 0005) ---
  sequences: SequencesTable;
  sequence_enrollments: SequenceEnrollmentsTable;
  sequence_steps: SequenceStepsTable;

  // --- Growth: Messenger profile, marketing, templates (migration 0009) ---
  messenger_profiles: MessengerProfilesTable;
  marketing_configs: MarketingConfigsTable;
  marketing_holds: MarketingHoldsTable;
  message_templates: MessageTemplatesTable;

  // --- Flows (src/flows, migration 0008) ---
  flows: FlowsTable;
  flow_versions: FlowVersionsTable;
  flow_runs: FlowRunsTable;
  flow_step_events: FlowStepEventsTable;

  // --- Links (migration 0006) ---
  tracked_links: TrackedLinksTable;

  // --- Entry points (migration 0007) ---
  entry_points: EntryPointsTable;
  entry_point_events: EntryPointEventsTable;

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
  /** JSON: when each person is due (src/broadcasts/schedule.ts `Schedule`); null = now. Migration 0006. */
  schedule: JsonText | null;
  /** 1: web links are rewritten to tracked redirects at dispatch (migration 0006, default 1). */
  track_links: IntBool;
  /** People the schedule left out (window already closed, "skip"), counted by the fan-out (0006). */
  skipped: number;
}

// --- Accounts (migration 0010) ---

export type MemberRole = 'owner' | 'admin' | 'agent' | 'viewer';
export type UserLang = 'es' | 'en';

export interface UsersTable {
  id: string;
  email: string;
  /** Lower-cased email, unique. */
  email_key: string;
  name: string;
  lang: UserLang;
  /** argon2id PHC string; null for a user who has not set a password yet. */
  password_hash: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: MemberRole;
  created_at: Millis;
}

export interface InvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  role: MemberRole;
  /** SHA-256 (hex) of the token in the accept URL. */
  token_hash: string;
  invited_by: string | null;
  created_at: Millis;
  expires_at: Millis;
  accepted_at: Millis | null;
  revoked_at: Millis | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the cookie value. */
  token_hash: string;
  created_at: Millis;
  /** Idle expiry counts from here. */
  last_seen_at: Millis;
  /** Absolute expiry. */
  expires_at: Millis;
  revoked_at: Millis | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  /** The visible start of the key (`vk_xxxxxxxx`), to recognise it in a list. */
  prefix: string;
  /** SHA-256 (hex) of the whole key. */
  key_hash: string;
  role: MemberRole;
  created_by: string | null;
  created_at: Millis;
  last_used_at: Millis | null;
  revoked_at: Millis | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: Millis;
}

// --- Sequences (src/sequences, migration 0005) ---

export type SequenceStatus = 'draft' | 'active' | 'paused';
export type EnrollmentStatus = 'active' | 'completed' | 'left';
export type LeaveReason = 'reply' | 'goal' | 'opt_out' | 'manual' | 'flow';
/**
 * scheduled (due at `due_at`), waiting (held until the person writes again), enqueued (an outbox row
 * holds it: the pipeline decides it), skipped (window closed, fallback skip), cancelled (the person left).
 */
export type SequenceStepStatus = 'scheduled' | 'waiting' | 'enqueued' | 'skipped' | 'cancelled';

export interface SequencesTable {
  id: string;
  workspace_id: string;
  name: string;
  status: SequenceStatus;
  exit_on_reply: IntBool;
  /** JSON: the ordered steps (src/sequences/model.ts `SequenceStep[]`). */
  steps: JsonText;
  /** JSON: goal, entry triggers, default time zone (src/sequences/model.ts `SequenceSettings`). */
  settings: JsonText;
  created_at: Millis;
  updated_at: Millis;
}

export interface SequenceEnrollmentsTable {
  id: string;
  workspace_id: string;
  sequence_id: string;
  contact_id: string;
  status: EnrollmentStatus;
  /** How the person entered: `api`, `label:<name>`, `entry_point:<ref>`, `flow:<id>`, … */
  source: string;
  left_reason: LeaveReason | null;
  enrolled_at: Millis;
  finished_at: Millis | null;
  updated_at: Millis;
}

/** One row per (enrollment, step): unique, so a step is decided and sent at most once. */
export interface SequenceStepsTable {
  id: string;
  enrollment_id: string;
  sequence_id: string;
  contact_id: string;
  /** The step's stable id inside the sequence definition. */
  step_id: string;
  /** Its position when this row was scheduled (a removed step's successor is found from it). */
  step_index: number;
  status: SequenceStepStatus;
  due_at: Millis;
  /** Lease of the runner that claimed the row; after it, another runner may take it over. */
  claimed_until: Millis | null;
  claim_token: string | null;
  attempts: number;
  /** What was enqueued: 'primary', 'utility_template' or 'marketing_message'. */
  variant: string | null;
  outbox_id: string | null;
  /** Why the row ended as it did (a stable code: window_closed, left_reply, step_removed, …). */
  note: string | null;
  /** JSON: the decision at the due time that chose the content (route, reason codes, rule set). */
  decision: JsonText | null;
  created_at: Millis;
  updated_at: Millis;
}

// --- Growth: Messenger profile, marketing, templates (migration 0009) ---

export type ProfileApplyStatus = 'never' | 'queued' | 'applied' | 'failed';

export interface MessengerProfilesTable {
  page_id: string;
  workspace_id: string;
  /** JSON: the desired profile (src/growth/profile-model.ts `ProfileSpec`). */
  desired: JsonText;
  /** Grows by one on every change of `desired`. */
  version: number;
  /** The `version` Meta last accepted; null before the first apply. */
  applied_version: number | null;
  apply_status: ProfileApplyStatus;
  last_error: string | null;
  applied_at: Millis | null;
  /** JSON: what `GET me/messenger_profile` answered at the last check. */
  observed: JsonText | null;
  /** JSON array of field names whose observed value differs from the desired one. */
  drift: JsonText | null;
  checked_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface MarketingConfigsTable {
  page_id: string;
  workspace_id: string;
  /** Without the `act_` prefix. */
  ad_account_id: string;
  /** The message campaign id (`POST act_<id>/message_campaign`); null until created. */
  campaign_id: string | null;
  campaign_name: string;
  /** Meta warms a new campaign up for an hour before it sends. */
  campaign_created_at: Millis | null;
  daily_budget_cents: number | null;
  min_gap_seconds: number | null;
  /** System-user token for `act_<id>/messages`; null uses the Page token. */
  system_token_enc: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A contact Meta capped (frequency caps): no marketing message until `until`. */
export interface MarketingHoldsTable {
  contact_id: string;
  until: Millis;
  reason: string;
  created_at: Millis;
}

export type TemplateStatus = 'DRAFT' | 'PENDING' | 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED';

export interface MessageTemplatesTable {
  id: string;
  workspace_id: string;
  page_id: string;
  name: string;
  language: string;
  category: string;
  /** JSON: body, buttons, examples or the library clone inputs (src/growth/template-model.ts). */
  definition: JsonText;
  status: TemplateStatus;
  /** Meta's template id once submitted. */
  meta_id: string | null;
  rejected_reason: string | null;
  submitted_at: Millis | null;
  status_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

// --- Flows (src/flows, migration 0008) ---

export type FlowStatus = 'active' | 'archived';
export type FlowRunStatus = 'waiting' | 'completed' | 'stopped' | 'failed';
export type FlowWaitKind = 'input' | 'delay' | 'webhook';

export interface FlowsTable {
  id: string;
  workspace_id: string;
  name: string;
  status: FlowStatus;
  /** JSON: the editable document (src/flows/document.ts `FlowDocument`). */
  draft: JsonText;
  /** The version new runs start on; null before the first publish. */
  published_version: number | null;
  /** The published version's priority (trigger matching reads it without parsing documents). */
  priority: number;
  created_at: Millis;
  updated_at: Millis;
  published_at: Millis | null;
  archived_at: Millis | null;
}

export interface FlowVersionsTable {
  flow_id: string;
  version: number;
  workspace_id: string;
  /** JSON: the frozen document. */
  document: JsonText;
  created_at: Millis;
}

export interface FlowRunsTable {
  id: string;
  workspace_id: string;
  flow_id: string;
  /** The version the run started on (it keeps it when a newer one is published). */
  version: number;
  contact_id: string;
  page_id: string;
  /** What started it, e.g. `keyword:envío`, `ref:qr_tienda`. */
  trigger: string;
  status: FlowRunStatus;
  /** The step the run waits at. */
  step_id: string | null;
  wait_kind: FlowWaitKind | null;
  /** Delay: when it ends. Webhook: set while the job is still to be queued. */
  resume_at: Millis | null;
  attempts: number;
  seq: number;
  outcome: string | null;
  /** `flow_id:contact_id` while unfinished (unique), null after. */
  active_key: string | null;
  /** Dedupe key of the last inbound event the run consumed (replays change nothing). */
  last_event_key: string | null;
  goal_reached_at: Millis | null;
  started_at: Millis;
  updated_at: Millis;
  finished_at: Millis | null;
}

export interface FlowStepEventsTable {
  id: string;
  flow_id: string;
  version: number;
  run_id: string;
  step_id: string;
  kind: 'enter' | 'goal' | 'rejected';
  at: Millis;
}

// --- Links (migration 0006) ---

export type LinkOriginKind = 'broadcast' | 'sequence' | 'flow';

/** One tracked destination for one person and one origin: `${publicUrl}/r/<code>` redirects to `url`. */
export interface TrackedLinksTable {
  /** Random base62 (12 characters): unguessable, so links cannot be enumerated. */
  code: string;
  /** sha256 of origin kind + origin id + contact + url: the same link is minted once. */
  link_key: string;
  workspace_id: string;
  origin_kind: LinkOriginKind;
  origin_id: string;
  contact_id: string;
  /** The original destination. */
  url: string;
  /** Every counted click (HEAD, prefetches and link-preview robots excluded). */
  clicks: number;
  first_clicked_at: Millis | null;
  last_clicked_at: Millis | null;
  created_at: Millis;
}

// --- Entry points (src/entry, migration 0007_entry) ---

export type EntryPointKind = 'link' | 'comment' | 'ad';
/** `answer`: the first message of a person after a comment touch (their conversation starts then). */
export type EntryPointEventKind = 'touch' | 'answer' | 'opt_in' | 'opt_out';

export interface EntryPointsTable {
  id: string;
  workspace_id: string;
  page_id: string;
  kind: EntryPointKind;
  name: string;
  /** m.me `ref`, unique per Page; null for comment entry points. */
  ref: string | null;
  /** `/l/:slug` of the hosted landing page; unique across the installation. */
  slug: string | null;
  /** 'es' | 'en' for the landing page and button; null = the reader's language. */
  language: string | null;
  /** m.me `text` parameter (prefilled message). */
  prefill_text: string | null;
  /** JSON array of label names applied on every touch. */
  labels: JsonText;
  /** JSON object of custom fields set on every touch. */
  fields: JsonText;
  flow_id: string | null;
  sequence_id: string | null;
  /** JSON: kind-specific settings (comment: postIds, keywords, replyText; ad: adIds; link: landing). */
  config: JsonText;
  active: IntBool;
  created_at: Millis;
  updated_at: Millis;
}

export interface EntryPointEventsTable {
  id: string;
  workspace_id: string;
  entry_point_id: string;
  contact_id: string;
  kind: EntryPointEventKind;
  /** How the person came: referral, postback, ad_message, comment, optin, keyword. */
  via: string;
  /** UTC day of `at`, `YYYY-MM-DD` (the statistics group by it). */
  day: string;
  at: Millis;
  /** Inbound event dedupe key + entry point: a replayed event records nothing twice. */
  event_key: string;
  new_contact: IntBool;
  conversation_opened: IntBool;
  window_opened: IntBool;
  created_at: Millis;
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
