/**
 * The inbox's use cases: contacts (list, detail, edit, timeline, export), conversations (list,
 * messages, notes, assignment, close/reopen, Page Inbox handover), the agent's reply through the one
 * send pipeline (outbox → decide at dispatch), its preview, canned replies and the overview figures.
 * Every function takes the workspace from its caller (the request's auth context) and answers values
 * with stable codes; the HTTP edge (src/server/inbox-routes.ts) maps them to statuses.
 */
export * from './canned.ts';
export * from './contacts.ts';
export * from './conversations.ts';
export * from './deps.ts';
export * from './overview.ts';
export * from './reply.ts';
