/**
 * The entry point other areas call to start a flow (CONTRACTS.md): entry points (m.me refs, QR codes,
 * landing pages, ads) pass the contact they just attributed. Runs inside the caller's transaction.
 */
import { createRuleBook } from '../policy/index.ts';
import type { Queryable } from '../storage/index.ts';
import { type EngineDeps, startRun } from './engine.ts';
import { SEQUENCE_PORTS } from './ports.ts';

const DEFAULT_DEPS: EngineDeps = { rules: createRuleBook(), sequences: SEQUENCE_PORTS };

/**
 * Starts the published version of `flowId` for the contact, as a reply to what the person just did
 * (sends are RESPONSE). A run of the same flow in progress is restarted. Codes: `flow_not_found`,
 * `flow_archived`, `nothing_published`, `contact_not_found`, `already_running`.
 * @example await startFlowRun(tx, { workspaceId, contactId, flowId, trigger: 'ref:qr_tienda', now })
 */
export function startFlowRun(
  db: Queryable,
  input: { workspaceId: string; contactId: string; flowId: string; trigger: string; now: number },
): Promise<{ ok: true; runId: string } | { ok: false; code: string }> {
  return startRun(db, DEFAULT_DEPS, { ...input, eventKey: null, inResponse: true });
}
