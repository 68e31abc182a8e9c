/**
 * What each route of the HTTP edge accepts and answers, for the OpenAPI document (openapi.ts).
 * Request bodies reuse the areas' own zod schemas where the area validates with zod (broadcasts,
 * sequences, flows), so documentation and validation cannot drift; elsewhere the shapes are written
 * here from the route code and the contracts (CONTRACTS.md). Routes still validate on their own: these
 * schemas never reach Fastify's validator. A route missing here shows up as `x-undocumented` and fails
 * `npm run gen:api` and the tests.
 */
import { z } from 'zod';
import { broadcastInputSchema } from '../broadcasts/model.ts';
import { flowDocumentSchema } from '../flows/schema.ts';
import { sequenceInputSchema } from '../sequences/model.ts';
import type { BroadcastStatus, EntryPointKind, FlowStatus, SequenceStatus } from '../storage/schema.ts';

export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tag?: string;
  readonly operationId?: string;
  /** Needs no authentication. */
  readonly open?: boolean;
  /** The least role that may call it (x-role in the document). */
  readonly role?: 'viewer' | 'agent' | 'admin' | 'owner';
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response?: z.ZodType | Record<string, unknown>;
  readonly responseText?: string;
  /** Success status (default 200). */
  readonly status?: number;
  /** Content type of a non-JSON answer (CSV, PNG, SVG, text, redirect). */
  readonly produces?: string;
  /** Error statuses beyond the automatic ones (400 with input, 401/403 when protected, 404 with an id). */
  readonly errors?: readonly number[];
  readonly undocumented?: boolean;
}

// --- Shapes shared by several routes -------------------------------------------------------------
/** An object whose fields are described in words: the area has no schema for its answer yet. */
const record = (what: string) => z.looseObject({}).describe(what);
const items = (of: z.ZodType) => z.object({ items: z.array(of) });
const paged = (of: z.ZodType) => z.object({ items: z.array(of), nextCursor: z.string().nullable() });
const str = z.string();
const ms = z.number().describe('epoch milliseconds');
const cursorQuery = { cursor: str.optional(), limit: str.optional().describe('integer') };
const rangeQuery = z.object({
  from: str.optional().describe('YYYY-MM-DD or ISO date'),
  to: str.optional().describe('YYYY-MM-DD or ISO date'),
  tz: str.optional().describe('IANA time zone of the days'),
});
const text = z.object({ text: z.string().min(1) });
const BROADCAST_STATUSES = [
  'draft',
  'sending',
  'paused',
  'cancelled',
  'done',
] as const satisfies readonly BroadcastStatus[];
/** `renderSchedule` (src/broadcasts/schedule.ts): the stored schedule with ISO moments. */
const scheduleView = z.object({
  at: str
    .nullable()
    .describe("ISO 8601; with localTime a wall clock without offset, read in each person's zone; null: now"),
  localTime: z.boolean(),
  fallbackTimezone: z.number().nullable().describe('hours from UTC for people without a time zone'),
  beforeWindowCloses: z.boolean(),
  windowMarginMinutes: z.number(),
  closedWindow: z.enum(['route', 'skip']),
});
/** A broadcast as the routes render it (`renderBroadcast`: the stored Broadcast, schedule with ISO moments). */
const broadcast = z.looseObject({
  id: str,
  workspaceId: str,
  name: str,
  audience: broadcastInputSchema.shape.audience,
  content: record('The message as stored (OutboxContent)'),
  intent: broadcastInputSchema.shape.intent,
  verdict: record("The classifier's verdict on the content: promotional or not, and its signals"),
  status: z.enum(BROADCAST_STATUSES),
  fanOutCursor: str.nullable(),
  fanOutDone: z.boolean(),
  enqueued: z.number(),
  createdAt: ms,
  updatedAt: ms,
  startedAt: ms.nullable(),
  finishedAt: ms.nullable(),
  schedule: scheduleView.nullable().describe('Null: sent when started'),
  trackLinks: z.boolean(),
  skipped: z.number().describe('people the schedule left out (window closed, closedWindow: skip)'),
});
const decision = record(
  'Pipeline decision: allowed, route (messagingType, tag), reasons [{code, message}], alternatives',
);
const windowView = z.object({
  state: z.enum(['open', 'human_agent', 'closed']),
  closesAt: ms.nullable(),
  humanAgentUntil: ms.nullable(),
  canDo: z
    .array(
      z.object({
        code: str,
        route: str.nullable(),
        until: ms.nullable(),
        message: str.describe("what may lawfully be sent now, in the reader's language"),
      }),
    )
    .describe('What is still lawful now, each with its route (docs/inbox.md)'),
});
const contactView = z.object({
  id: str,
  pageId: str,
  psid: str,
  name: str.nullable(),
  firstName: str.nullable(),
  lastName: str.nullable(),
  locale: str.nullable(),
  labels: z.array(str),
  fields: z.record(str, z.unknown()),
  firstEntryPoint: str.nullable(),
  lastEntryPoint: str.nullable(),
  lastInboundAt: ms.nullable(),
  optedOut: z.boolean(),
  blocked: z.boolean(),
  marketingStatus: str.nullable(),
  window: windowView,
});
const conversationView = z.looseObject({
  id: str,
  contact: contactView,
  status: str,
  assignedUserId: str.nullable(),
  lastMessageAt: ms.nullable(),
  unreadCount: z.number(),
  handoffAt: ms.nullable(),
  threadOwner: str.nullable(),
});
const user = z.object({ id: str, email: str, name: str, lang: z.enum(['es', 'en']) });
const membership = z.object({ id: str, name: str, role: z.enum(['owner', 'admin', 'agent', 'viewer']) });
const loggedIn = z.object({ user, workspaces: z.array(membership), csrfToken: str });
const pageView = z.looseObject({
  id: str,
  name: str,
  status: str,
  statusReason: str.nullable(),
  permissions: z.unknown(),
  webhookUrl: str,
  hasToken: z.boolean(),
});
/** `sequenceView` (src/sequences/service.ts): the stored sequence with its save-time warnings. */
const sequence = z.looseObject({
  id: str,
  name: str,
  status: z.enum(['draft', 'active', 'paused'] as const satisfies readonly SequenceStatus[]),
  exitOnReply: z.boolean(),
  goal: record('{ label?, field? }').nullish(),
  entry: z.object({ labels: z.array(str), entryPoints: z.array(str) }),
  defaultTimezone: z.number(),
  steps: z.array(record('A step as sent in the request body (id, delay, content, intent, fallback, …)')),
  warnings: z.array(z.object({ step: z.number(), code: str, message: str })),
  createdAt: ms,
  updatedAt: ms,
});
/** `flowView` (src/flows/service.ts); creating and saving add the save-time `warnings`. */
const flow = z.looseObject({
  id: str,
  name: str,
  status: z.enum(['active', 'archived'] as const satisfies readonly FlowStatus[]),
  publishedVersion: z.number().nullable(),
  priority: z.number(),
  draft: record('The draft flow document (see the request body of POST /api/v1/flows)'),
  createdAt: str.describe('ISO 8601'),
  updatedAt: str.describe('ISO 8601'),
  publishedAt: str.nullable().describe('ISO 8601'),
  warnings: z.array(record('Problem: path, code, message, severity, stepId?')).optional(),
});
/** What `parseEntryPoint` (src/entry/model.ts) reads; on PATCH/PUT every field is optional (merged). */
const entryPointBody = z.object({
  pageId: str,
  kind: z.enum(['link', 'comment', 'ad']).optional(),
  name: str,
  ref: str.nullish().describe('m.me ref: letters, digits, _ and -'),
  slug: str.nullish(),
  language: z.enum(['es', 'en']).nullish(),
  prefillText: str.nullish(),
  labels: z.array(str).optional(),
  fields: z.record(str, z.unknown()).optional(),
  flowId: str.nullish(),
  sequenceId: str.nullish(),
  comment: z
    .object({ postIds: z.array(str), keywords: z.array(str), replyText: str })
    .partial()
    .optional(),
  ad: z.object({ adIds: z.array(str) }).optional(),
  landing: record('link kind: landing page settings').optional(),
  active: z.boolean().optional(),
});
/** `toView` (src/entry/model.ts). */
const entryPoint = z.object({
  id: str,
  pageId: str,
  kind: z.enum(['link', 'comment', 'ad'] as const satisfies readonly EntryPointKind[]),
  name: str,
  ref: str.nullable(),
  slug: str.nullable(),
  language: z.enum(['es', 'en']).nullable(),
  prefillText: str.nullable(),
  labels: z.array(str),
  fields: z.record(str, z.unknown()),
  flowId: str.nullable(),
  sequenceId: str.nullable(),
  comment: record('comment kind: { postIds, keywords, replyText }').nullable(),
  ad: record('ad kind: { adIds }').nullable(),
  landing: record('link kind: the landing page settings').nullable(),
  active: z.boolean(),
  mmeUrl: str.describe('the m.me link with ref and prefilled text'),
  landingUrl: str.nullable(),
  createdAt: ms,
  updatedAt: ms,
});
const template = record('Utility template: id, pageId, name, language, category, status, components');
const profile = record(
  'Messenger profile: greeting, get started, ice breakers, persistent menu, applied state',
);
const outboxAccepted = z.object({ outboxId: str });
const bytes = (type: string) => ({ produces: type, response: { type: 'string', format: 'binary' } });

export const API_DOCS: Readonly<Record<string, RouteDoc>> = {
  // --- Public (Meta, people, probes) ---
  'GET /webhooks/messenger': {
    summary: "Meta's webhook handshake: echoes hub.challenge when hub.verify_token matches",
    query: z.object({ 'hub.mode': str, 'hub.verify_token': str, 'hub.challenge': str }),
    produces: 'text/plain',
    errors: [403],
  },
  'POST /webhooks/messenger': {
    summary: 'Signed Messenger webhook (X-Hub-Signature-256 over the raw body); stored, then processed',
    body: record('Messenger webhook payload ({ object: "page", entry: [...] })'),
    produces: 'text/plain',
    responseText: 'EVENT_RECEIVED',
    errors: [400, 401, 413],
  },
  'GET /health': {
    summary: 'Liveness and pending webhook bodies',
    response: z.looseObject({ ok: z.boolean(), pendingBodies: z.number().optional() }),
  },
  'GET /r/:code': {
    summary: 'Tracked link: records the click and redirects (302) to the destination',
    responseText: 'Redirect to the destination (Location header)',
    produces: 'text/html',
    status: 302,
    errors: [404],
  },
  'GET /l/:slug': {
    summary: 'Landing page of an entry point (opens Messenger with its ref)',
    produces: 'text/html',
    errors: [404],
  },

  // --- Policy ---
  'POST /api/v1/policy/check': {
    summary: 'Decide one outbound message against the rule book (reads no data)',
    open: true,
    query: z.object({
      rules: str.optional(),
      disable: str.optional().describe('comma-separated rule ids'),
      tz: str.optional(),
    }),
    body: record('Facts of the message: window, intent, tag, text, … (see docs/policy.md)'),
    response: decision,
  },

  // --- Broadcasts ---
  'POST /api/v1/broadcasts': {
    summary: 'Create a broadcast (draft or scheduled)',
    role: 'admin',
    body: broadcastInputSchema,
    response: broadcast,
    status: 201,
  },
  'GET /api/v1/broadcasts': { summary: 'List broadcasts', role: 'viewer', response: items(broadcast) },
  'POST /api/v1/broadcasts/audience/count': {
    summary: 'Count the people an audience selects',
    role: 'viewer',
    query: z.object({ at: str.optional().describe('ISO moment (default now)') }),
    body: z.object({ audience: broadcastInputSchema.shape.audience }),
    response: z.object({ count: z.number(), at: str }),
  },
  'GET /api/v1/broadcasts/:id/clicks': {
    summary: 'Clicks on tracked links of a broadcast',
    role: 'viewer',
    query: z.object(cursorQuery),
    response: record('Clicks: totals and a page of clicks with nextCursor'),
  },
  'GET /api/v1/broadcasts/:id': { summary: 'One broadcast', role: 'viewer', response: broadcast },
  'GET /api/v1/broadcasts/:id/preflight': {
    summary: 'Preflight: how many people each route would reach or refuse, and why',
    role: 'viewer',
    query: z.object({ at: str.optional().describe('ISO moment (default now)') }),
    response: record('Preflight: totals and groups by route/refusal reason, with es/en explanations'),
  },
  'GET /api/v1/broadcasts/:id/preflight/:file': {
    summary: 'CSV of the people in one preflight group (file = <group>.csv)',
    role: 'viewer',
    query: z.object({ at: str.optional() }),
    produces: 'text/csv',
  },
  'POST /api/v1/broadcasts/:id/send': {
    summary: 'Start sending now',
    role: 'admin',
    response: broadcast,
    errors: [409],
  },
  'POST /api/v1/broadcasts/:id/pause': {
    summary: 'Pause sending',
    role: 'admin',
    response: broadcast,
    errors: [409],
  },
  'POST /api/v1/broadcasts/:id/resume': {
    summary: 'Resume sending',
    role: 'admin',
    response: broadcast,
    errors: [409],
  },
  'POST /api/v1/broadcasts/:id/cancel': {
    summary: 'Cancel',
    role: 'admin',
    response: broadcast,
    errors: [409],
  },
  'POST /api/v1/broadcasts/:id/resend-unconfirmed': {
    summary:
      'Send again the unknown outcomes Meta never echoed (10 minutes after they became unknown); `affected` says how many',
    role: 'admin',
    response: broadcast,
    errors: [409],
  },
  'GET /api/v1/broadcasts/:id/report': {
    summary: 'Delivery report: sent, refused by reason, failed, clicks',
    role: 'viewer',
    response: record('Report of a broadcast'),
  },

  // --- Audit ---
  'GET /api/v1/audit': {
    summary: 'Decisions kept for proof, newest first',
    role: 'viewer',
    query: z.object({
      contact: str.optional(),
      message: str.optional().describe('outbox id'),
      page: str.optional(),
      reason: str.optional(),
      allowed: z.enum(['true', 'false']).optional(),
      from: str.optional(),
      to: str.optional(),
      ...cursorQuery,
    }),
    response: paged(
      z.object({
        id: str,
        workspaceId: str.nullable(),
        pageId: str.nullable(),
        contactId: str.nullable(),
        messageRef: str.nullable().describe('outbox id'),
        at: ms,
        ruleSet: str,
        route: str.nullable(),
        allowed: z.boolean(),
        reasons: z.array(z.looseObject({ code: str })),
        evidence: z.unknown(),
        decision: z.unknown(),
        graphStatus: str.nullable(),
        graphResponse: z.unknown(),
        fbtraceId: str.nullable(),
      }),
    ),
  },
  'GET /api/v1/audit.csv': {
    summary: 'The audit log as CSV (same filters)',
    role: 'viewer',
    query: z.object({
      contact: str.optional(),
      message: str.optional(),
      page: str.optional(),
      reason: str.optional(),
      allowed: str.optional(),
      from: str.optional(),
      to: str.optional(),
    }),
    produces: 'text/csv',
  },

  // --- Accounts ---
  'GET /api/v1/setup/status': {
    summary: 'Whether the owner still has to be created',
    open: true,
    response: z.object({ needsOwner: z.boolean() }),
  },
  'POST /api/v1/setup': {
    summary: 'Create the owner with the one-time setup token (only while no user exists)',
    open: true,
    body: z.object({ token: str, email: str, password: str, name: str, workspaceName: str.optional() }),
    response: loggedIn,
    status: 201,
    errors: [403, 409, 429],
  },
  'POST /api/v1/auth/login': {
    summary: 'Log in: sets the ventana_session cookie',
    open: true,
    body: z.object({ email: str, password: str }),
    response: loggedIn,
    errors: [429],
  },
  'GET /api/v1/auth/me': {
    summary: 'The person, the current workspace and role',
    response: z.object({
      user,
      workspace: z.object({ id: str, name: str }),
      role: str,
      workspaces: z.array(membership),
      csrfToken: str,
    }),
  },
  'PATCH /api/v1/auth/me': {
    summary: 'Change name, language or password',
    body: z.object({
      lang: z.enum(['es', 'en']).optional(),
      name: str.optional(),
      password: str.optional(),
      currentPassword: str.optional(),
    }),
    response: record('The person'),
  },
  'POST /api/v1/auth/logout': { summary: 'End this session', response: record('{ ok: true }') },
  'GET /api/v1/auth/sessions': {
    summary: 'My sessions',
    response: items(record('Session: id, createdAt, lastSeenAt, current')),
  },
  'DELETE /api/v1/auth/sessions/:id': {
    summary: 'Revoke one of my sessions',
    response: record('{ ok: true }'),
  },
  'GET /api/v1/members': {
    summary: 'Members of the workspace',
    role: 'viewer',
    response: items(record('Member: userId, email, name, role')),
  },
  'POST /api/v1/members': {
    summary: "Change a member's role",
    role: 'admin',
    body: z.object({ userId: str, role: z.enum(['owner', 'admin', 'agent', 'viewer']) }),
    response: record('The member'),
  },
  'DELETE /api/v1/members/:userId': {
    summary: 'Remove a member',
    role: 'admin',
    response: record('{ ok: true }'),
  },
  'GET /api/v1/invitations': {
    summary: 'Pending invitations',
    role: 'admin',
    response: items(record('Invitation')),
  },
  'POST /api/v1/invitations': {
    summary: 'Invite someone (answers the one-time invitation link)',
    role: 'admin',
    body: z.object({ email: str, role: z.enum(['owner', 'admin', 'agent', 'viewer']) }),
    response: z
      .looseObject({ id: str, email: str, role: str, token: str, acceptUrl: str })
      .describe('token and acceptUrl are shown only here'),
    status: 201,
  },
  'DELETE /api/v1/invitations/:id': {
    summary: 'Withdraw an invitation',
    role: 'admin',
    response: record('{ ok: true }'),
  },
  'POST /api/v1/invitations/accept': {
    summary: 'Accept an invitation (creates the account if needed) and log in',
    open: true,
    body: z.object({ token: str, name: str.optional(), password: str.optional() }),
    response: loggedIn,
    errors: [429],
  },
  'GET /api/v1/api-keys': {
    summary: 'API keys of the workspace (never the secret)',
    role: 'admin',
    response: items(record('API key: id, name, role, prefix, createdAt, lastUsedAt')),
  },
  'POST /api/v1/api-keys': {
    summary: 'Create an API key (the key is shown once)',
    role: 'admin',
    body: z.object({ name: str, role: z.enum(['owner', 'admin', 'agent', 'viewer']).default('viewer') }),
    response: z.looseObject({ id: str, key: str }),
    status: 201,
  },
  'DELETE /api/v1/api-keys/:id': {
    summary: 'Revoke an API key',
    role: 'admin',
    response: record('{ ok: true }'),
  },

  // --- Pages ---
  'GET /api/v1/pages': { summary: 'Connected Pages', role: 'viewer', response: items(pageView) },
  'POST /api/v1/pages': {
    summary: 'Connect a Page (token checked against Graph)',
    role: 'admin',
    body: z.object({
      id: str,
      name: str,
      accessToken: str,
      appSecret: str.optional(),
      verifyToken: str.optional(),
    }),
    response: pageView,
    errors: [409],
  },
  'GET /api/v1/pages/:id/health': {
    summary: 'Token validity, subscription, permissions and status of a Page',
    role: 'viewer',
    response: z.looseObject({
      token: z.looseObject({ valid: z.boolean(), reason: str.optional() }),
      subscribed: z.boolean(),
      permissions: z.unknown(),
      status: str,
    }),
  },
  'DELETE /api/v1/pages/:id': {
    summary: 'Disconnect a Page',
    role: 'admin',
    response: record('{ ok: true }'),
  },

  // --- Sequences ---
  'POST /api/v1/sequences': {
    summary: 'Create a sequence',
    role: 'admin',
    body: sequenceInputSchema,
    response: sequence,
    status: 201,
  },
  'GET /api/v1/sequences': { summary: 'List sequences', role: 'viewer', response: items(sequence) },
  'GET /api/v1/sequences/:id': { summary: 'One sequence', role: 'viewer', response: sequence },
  'PUT /api/v1/sequences/:id': {
    summary: 'Replace a sequence',
    role: 'admin',
    body: sequenceInputSchema,
    response: sequence,
  },
  'PATCH /api/v1/sequences/:id': {
    summary: 'Change some fields of a sequence (merged with the stored one)',
    role: 'admin',
    body: sequenceInputSchema.partial(),
    response: sequence,
  },
  'DELETE /api/v1/sequences/:id': { summary: 'Delete a sequence', role: 'admin', status: 204 },
  'POST /api/v1/sequences/:id/activate': {
    summary: 'Activate',
    role: 'admin',
    response: sequence,
    errors: [409],
  },
  'POST /api/v1/sequences/:id/pause': { summary: 'Pause', role: 'admin', response: sequence, errors: [409] },
  'POST /api/v1/sequences/:id/enroll': {
    summary: 'Enroll contacts (the sequence must be active)',
    role: 'admin',
    body: z.object({ contactIds: z.array(z.string().min(1)).min(1).max(1000) }),
    response: z.object({
      enrolled: z.number(),
      items: z.array(
        z.object({
          contactId: str,
          ok: z.boolean(),
          enrollmentId: str.optional(),
          code: str.optional(),
          message: str.optional(),
        }),
      ),
    }),
    errors: [409],
  },
  'POST /api/v1/sequences/:id/leave': {
    summary: 'Take contacts out of the sequence',
    role: 'admin',
    body: z.object({ contactIds: z.array(z.string().min(1)).min(1).max(1000) }),
    response: z.object({ left: z.number() }),
  },
  'GET /api/v1/sequences/:id/stats': {
    summary: 'Per-step sent, refused, waiting',
    role: 'viewer',
    response: record('Sequence statistics'),
  },
  'GET /api/v1/sequences/:id/enrollments': {
    summary: 'Enrollments (optionally of one contact)',
    role: 'viewer',
    query: z.object({ contactId: str.optional() }),
    response: items(record('Enrollment')),
  },

  // --- Growth: Messenger profile, marketing messages, templates ---
  'GET /api/v1/pages/:id/messenger-profile': {
    summary: 'The Messenger profile of a Page',
    role: 'viewer',
    response: profile,
  },
  'PUT /api/v1/pages/:id/messenger-profile': {
    summary: 'Save the Messenger profile',
    role: 'admin',
    body: record('Messenger profile'),
    response: profile,
  },
  'POST /api/v1/pages/:id/messenger-profile/apply': {
    summary: 'Apply the profile to Meta (queued)',
    role: 'admin',
    status: 202,
    response: record('{ jobId, …profile }'),
  },
  'GET /api/v1/pages/:id/messenger-profile/status': {
    summary: 'Whether Meta holds the saved profile',
    role: 'viewer',
    query: z.object({ live: z.enum(['1', 'true']).optional() }),
    response: record('Apply state and differences'),
  },
  'GET /api/v1/pages/:id/marketing': {
    summary: 'Marketing messages settings of a Page',
    role: 'viewer',
    response: record('Marketing settings'),
  },
  'PUT /api/v1/pages/:id/marketing': {
    summary: 'Save marketing messages settings',
    role: 'admin',
    body: record('Marketing settings'),
    response: record('Marketing settings'),
  },
  'GET /api/v1/pages/:id/marketing/subscribers': {
    summary: 'People subscribed to marketing messages',
    role: 'viewer',
    query: z.object(cursorQuery),
    response: paged(record('Subscriber')),
  },
  'POST /api/v1/pages/:id/marketing/optin-requests': {
    summary: 'Ask a person to subscribe to marketing messages',
    role: 'agent',
    body: record('{ contactId, … } (checked by the marketing area; bad fields answer 400)'),
    status: 202,
    response: outboxAccepted,
  },
  'GET /api/v1/templates': {
    summary: 'Utility templates',
    role: 'viewer',
    query: z.object({ pageId: str.optional(), status: str.optional() }),
    response: items(template),
  },
  'POST /api/v1/templates': {
    summary: 'Create a utility template (draft)',
    role: 'admin',
    body: z.object({
      pageId: str,
      name: str.describe('lowercase letters, digits and _'),
      language: str,
      body: str.describe('{{1}}…{{n}} (POSITIONAL) or {{name}} (NAMED) placeholders'),
      parameterFormat: z.enum(['POSITIONAL', 'NAMED']).optional(),
      examples: z.union([z.array(str), z.record(str, str)]).optional(),
      buttons: z
        .array(
          z.union([
            z.object({ type: z.literal('url'), text: str, url: str }),
            z.object({ type: z.literal('postback'), text: str, payload: str }),
          ]),
        )
        .optional(),
    }),
    response: template,
    status: 201,
  },
  'POST /api/v1/templates/clone': {
    summary: 'Clone a template from the library',
    role: 'admin',
    body: z.object({
      pageId: str,
      name: str,
      language: str,
      libraryTemplateName: str,
      bodyInputs: z.record(str, z.unknown()).optional(),
      buttonInputs: z.array(z.unknown()).optional(),
    }),
    response: template,
    status: 201,
  },
  'GET /api/v1/templates/library': {
    summary: "Meta's utility template library",
    role: 'viewer',
    query: z.object({ pageId: str.optional(), q: str.optional(), language: str.optional() }),
    response: items(record('Library template')),
  },
  'GET /api/v1/templates/:id': { summary: 'One template', role: 'viewer', response: template },
  'DELETE /api/v1/templates/:id': { summary: 'Delete a template', role: 'admin', status: 204 },
  'GET /api/v1/templates/:id/status': {
    summary: 'Review status at Meta',
    role: 'viewer',
    response: template,
  },
  'POST /api/v1/templates/:id/submit': { summary: 'Submit for review', role: 'admin', response: template },
  'POST /api/v1/templates/:id/send': {
    summary: 'Send the template to one contact (through the pipeline)',
    role: 'agent',
    body: record('{ contactId, parameters? }'),
    status: 202,
    response: z.object({ outboxId: str, created: z.boolean() }),
  },

  // --- Flows ---
  'GET /api/v1/flows': {
    summary: 'List flows',
    role: 'viewer',
    query: z.object({ archived: z.enum(['1', 'true']).optional() }),
    response: items(flow),
  },
  'POST /api/v1/flows': {
    summary: 'Create a flow (draft)',
    role: 'admin',
    body: flowDocumentSchema,
    response: flow,
    status: 201,
  },
  'GET /api/v1/flows/webhook-secret': {
    summary: 'Secret that signs the webhooks flows call',
    role: 'admin',
    response: z.object({ secret: str, header: str, algorithm: str, format: str }),
  },
  'GET /api/v1/flows/:id': { summary: 'One flow', role: 'viewer', response: flow },
  'PUT /api/v1/flows/:id': {
    summary: "Replace a flow's draft",
    role: 'admin',
    body: flowDocumentSchema,
    response: flow,
  },
  'POST /api/v1/flows/:id/publish': {
    summary: 'Publish the draft as a new version',
    role: 'admin',
    response: flow.extend({ version: z.number().describe('the version just published') }),
    errors: [409],
  },
  'POST /api/v1/flows/:id/archive': {
    summary: 'Archive',
    role: 'admin',
    response: flow.extend({ stoppedRuns: z.number().describe('runs stopped by archiving') }),
  },
  'GET /api/v1/flows/:id/versions': {
    summary: 'Published versions',
    role: 'viewer',
    response: items(record('Flow version')),
  },
  'GET /api/v1/flows/:id/versions/:version': {
    summary: 'One published version',
    role: 'viewer',
    response: record('Flow version with its document'),
  },
  'POST /api/v1/flows/:id/test-run': {
    summary: 'Dry-run the flow for a simulated event (sends nothing)',
    role: 'viewer',
    body: record('{ event, contact? }'),
    response: record('Steps the run would take, with decisions'),
  },
  'GET /api/v1/flows/:id/stats': {
    summary: 'Runs, step counts and goals',
    role: 'viewer',
    response: record('Flow statistics'),
  },

  // --- Entry points ---
  'GET /api/v1/entry-points': {
    summary: 'List entry points',
    role: 'viewer',
    query: z.object({ pageId: str.optional(), kind: str.optional() }),
    response: items(entryPoint),
  },
  'POST /api/v1/entry-points': {
    summary: 'Create an entry point (m.me link, QR, chat plugin, comment…)',
    role: 'admin',
    body: entryPointBody,
    response: entryPoint,
    status: 201,
  },
  'GET /api/v1/entry-points/:id': { summary: 'One entry point', role: 'viewer', response: entryPoint },
  'PATCH /api/v1/entry-points/:id': {
    summary: 'Change an entry point',
    role: 'admin',
    body: entryPointBody.partial(),
    response: entryPoint,
  },
  'PUT /api/v1/entry-points/:id': {
    summary: 'Change an entry point (same as PATCH)',
    role: 'admin',
    body: entryPointBody.partial(),
    response: entryPoint,
  },
  'DELETE /api/v1/entry-points/:id': { summary: 'Delete an entry point', role: 'admin', status: 204 },
  'GET /api/v1/entry-points/:id/qr.png': {
    summary: 'QR code (PNG)',
    role: 'viewer',
    query: z.object({ size: str.optional(), margin: str.optional() }),
    ...bytes('image/png'),
  },
  'GET /api/v1/entry-points/:id/qr.svg': {
    summary: 'QR code (SVG)',
    role: 'viewer',
    query: z.object({ size: str.optional(), margin: str.optional() }),
    produces: 'image/svg+xml',
  },
  'GET /api/v1/entry-points/:id/snippet': {
    summary: 'HTML snippet to paste on a site',
    role: 'viewer',
    response: record('{ html, … }'),
  },
  'GET /api/v1/entry-points/:id/stats': {
    summary: 'Entries and conversions by day',
    role: 'viewer',
    query: rangeQuery,
    response: record('Entry point statistics'),
  },

  // --- Contacts, inbox, analytics ---
  'GET /api/v1/contacts': {
    summary: 'Contacts with their window state',
    role: 'viewer',
    query: z.object({
      search: str.optional(),
      label: str.optional(),
      window: z.enum(['open', 'human_agent', 'closed']).optional(),
      pageId: str.optional(),
      entryPoint: str.optional(),
      ...cursorQuery,
    }),
    response: z.object({ items: z.array(contactView), nextCursor: str.nullable(), total: z.number() }),
  },
  'GET /api/v1/contacts.csv': {
    summary: 'Contacts as CSV (same filters)',
    role: 'viewer',
    query: z.object({
      search: str.optional(),
      label: str.optional(),
      window: str.optional(),
      pageId: str.optional(),
      entryPoint: str.optional(),
    }),
    produces: 'text/csv',
  },
  'GET /api/v1/contacts/:id': { summary: 'One contact', role: 'viewer', response: contactView },
  'PATCH /api/v1/contacts/:id': {
    summary: 'Add/remove labels, set fields',
    role: 'admin',
    body: z.object({
      addLabels: z.array(str).optional(),
      removeLabels: z.array(str).optional(),
      fields: z.record(str, z.unknown()).optional(),
    }),
    response: contactView,
  },
  'GET /api/v1/contacts/:id/timeline': {
    summary: 'Events, messages and decisions of a contact',
    role: 'viewer',
    query: z.object({ before: str.optional().describe('epoch ms'), limit: str.optional() }),
    response: z.object({
      items: z.array(record('Timeline entry: kind, at, …')),
      nextBefore: z.number().nullable(),
    }),
  },
  'GET /api/v1/conversations': {
    summary: 'Inbox conversations',
    role: 'viewer',
    query: z.object({
      filter: z.enum(['unassigned', 'mine', 'waiting', 'closed', 'all']).optional(),
      pageId: str.optional(),
      ...cursorQuery,
    }),
    response: z.looseObject({ items: z.array(conversationView) }),
  },
  'GET /api/v1/conversations/:id': {
    summary: 'One conversation',
    role: 'viewer',
    response: conversationView,
  },
  'GET /api/v1/conversations/:id/messages': {
    summary: 'Messages of a conversation',
    role: 'viewer',
    query: z.object({ ...cursorQuery, peek: z.literal('1').optional().describe('do not mark as read') }),
    response: paged(record('Message: direction, text, at, sender, decision')),
  },
  'POST /api/v1/conversations/:id/read': {
    summary: 'Mark as read',
    role: 'agent',
    response: record('The conversation'),
  },
  'POST /api/v1/conversations/:id/preview': {
    summary: 'What the pipeline would decide for this reply',
    role: 'agent',
    body: text,
    response: z.object({ decision }),
  },
  'POST /api/v1/conversations/:id/reply': {
    summary: 'Reply as a human (HUMAN_AGENT only when lawful)',
    description: 'A refusal answers 422 `{ error: { code, message, reasons, alternatives } }`.',
    role: 'agent',
    body: text,
    status: 202,
    response: z.object({ outboxId: str, decision }),
    errors: [422],
  },
  'POST /api/v1/conversations/:id/assign': {
    summary: 'Assign (or unassign with null)',
    role: 'agent',
    body: z.object({ userId: str.nullable().describe("a member's id, 'me', or null to unassign") }),
    response: conversationView,
  },
  'GET /api/v1/conversations/:id/notes': {
    summary: 'Internal notes',
    role: 'viewer',
    response: items(record('Note: id, userId, text, at')),
  },
  'POST /api/v1/conversations/:id/notes': {
    summary: 'Add an internal note',
    role: 'agent',
    body: text,
    response: record('Note'),
    status: 201,
  },
  'POST /api/v1/conversations/:id/close': { summary: 'Close', role: 'agent', response: conversationView },
  'POST /api/v1/conversations/:id/reopen': { summary: 'Reopen', role: 'agent', response: conversationView },
  'POST /api/v1/conversations/:id/handover': {
    summary: 'Hand the thread to the Page Inbox or take it back',
    role: 'agent',
    body: z.object({ to: z.enum(['page_inbox', 'app']) }),
    response: conversationView,
    errors: [422],
  },
  'GET /api/v1/canned-replies': {
    summary: 'Canned replies',
    role: 'viewer',
    response: items(record('Canned reply: id, title, text')),
  },
  'POST /api/v1/canned-replies': {
    summary: 'Create a canned reply',
    role: 'agent',
    body: z.object({ title: str, text: str, shortcut: str.nullish().describe('[A-Za-z0-9_-]{1,32}') }),
    response: record('Canned reply'),
    status: 201,
  },
  'PUT /api/v1/canned-replies/:id': {
    summary: 'Change a canned reply',
    role: 'agent',
    body: z.object({ title: str, text: str, shortcut: str.nullish().describe('[A-Za-z0-9_-]{1,32}') }),
    response: record('Canned reply'),
  },
  'DELETE /api/v1/canned-replies/:id': { summary: 'Delete a canned reply', role: 'agent', status: 204 },
  'GET /api/v1/analytics/overview': {
    summary: 'Totals and charts over time',
    role: 'viewer',
    query: rangeQuery,
    response: z.object({
      totals: z.object({
        contacts: z.number(),
        windowsOpen: z.number(),
        optIns: z.number(),
        optOuts: z.number(),
        refused: z.number(),
        sent: z.number(),
      }),
      byDay: z.array(
        z.object({
          day: str,
          inbound: z.number(),
          sent: z.number(),
          refused: z.number(),
          optIns: z.number(),
          optOuts: z.number(),
        }),
      ),
      byRoute: z.array(z.object({ route: str, count: z.number() })),
      refusedByReason: z.array(z.object({ code: str, count: z.number() })),
    }),
  },
  'GET /api/v1/stream': {
    summary: 'Live events (server-sent events: message, conversation)',
    role: 'viewer',
    produces: 'text/event-stream',
  },
  'GET /api/v1/demo/people': {
    summary: 'Demo mode: the fake people',
    role: 'viewer',
    response: items(record('Fake person: psid, name, locale')),
    errors: [404],
  },
  'POST /api/v1/demo/people/:psid/messages': {
    summary: 'Demo mode: a fake person writes to the Page',
    role: 'agent',
    body: text,
    status: 202,
    response: z.object({ delivered: z.boolean(), status: z.number() }),
  },
};
