/**
 * The persistence layer's public API: open a database (SQLite or PostgreSQL), migrate it, and
 * the repositories, one namespace per aggregate, each taking the database as first argument.
 * @example
 *   const database = await openDatabase('sqlite:./data/ventana.db', { migrate: true });
 *   const r = await contacts.recordInbound(database, { pageId, psid, at, kind: 'message', opensWindow: true });
 */

export * as accounts from './accounts/index.ts';
export * as audit from './audit.ts';
export * as contacts from './contacts.ts';
export * as conversations from './conversations.ts';
export {
  type Capabilities,
  type Database,
  type DatabaseTarget,
  type DatabaseUrlResult,
  type DialectName,
  inTransaction,
  type OpenOptions,
  openDatabase,
  parseDatabaseUrl,
  type Queryable,
  redactUrl,
  type WebhookJournalPort,
} from './db.ts';
export type { JsonValue } from './dialect.ts';
export * as entryPoints from './entry-points.ts';
export * as flows from './flows.ts';
export * as growth from './growth.ts';
export { idTime, newId } from './ids.ts';
export * as inbound from './inbound.ts';
export * as inbox from './inbox.ts';
export * as links from './links.ts';
export * as messages from './messages.ts';
export { type MigrationReport, migrateDown, migrateTo, migrateToLatest } from './migrate.ts';
export * as outbox from './outbox.ts';
export * as pages from './pages.ts';
export type * from './schema.ts';
export * as sequences from './sequences.ts';
export * as settings from './settings.ts';
export * as workspaces from './workspaces.ts';
