/**
 * Automation: what Ventana does by itself when a person acts (an applied webhook event). Each area
 * (entry points, flows, sequences, comments, …) contributes one handler; they run in the order listed,
 * inside the transaction that marks the event processed (see ProcessorOptions.automation), so they
 * must only read and write the database and enqueue jobs: never call Graph or other servers here.
 */
import type { Logger } from 'pino';
import { createEntryPointAutomation } from '../entry/automation.ts';
import { createFlowAutomation } from '../flows/automation.ts';
import { createGrowthAutomation } from '../growth/automation.ts';
import type { InboundEvent } from '../messenger/events.ts';
import type { RuleBook } from '../policy/index.ts';
import type { JobQueue } from '../queue/index.ts';
import { createSequenceAutomation } from '../sequences/automation.ts';
import type { Queryable } from '../storage/index.ts';

export interface AutomationDeps {
  readonly rules: RuleBook;
  readonly now: () => number;
  readonly logger?: Logger;
  /** The job queue, for work that must not run inside the event's transaction. */
  readonly queue: JobQueue;
  /** Call after enqueueing outbox rows: the sender looks soon after the transaction commits. */
  readonly outboxTouched: () => void;
}

/** One area's reaction to an event; `db` is the event's transaction. */
export type AutomationHandler = (db: Queryable, event: InboundEvent) => Promise<void>;

/** Builds the handlers of every area, in the order they must run. */
export function createAutomation(deps: AutomationDeps): AutomationHandler {
  const handlers: AutomationHandler[] = [
    // Areas register here, each with one line: `createXxxAutomation(deps)`.
    createSequenceAutomation(deps),
    createGrowthAutomation(deps),
    createFlowAutomation(deps),
    createEntryPointAutomation(deps),
  ];
  return async (db, event) => {
    for (const handle of handlers) await handle(db, event);
  };
}
