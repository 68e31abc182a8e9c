/**
 * Flows' automation handler: runs in the inbound event's transaction (src/automation). An event
 * either answers the question a run waits on, or matches a trigger and starts a flow.
 *
 * Who wins (decided here, documented in docs/flows.md): let Q be the contact's run most recently
 * waiting for an answer. A matched trigger that is not the default reply starts its flow when there
 * is no Q or its flow's priority is at least Q's (Q is then stopped as `interrupted`: a person
 * answers one question at a time). Otherwise a message answers Q. The default reply only starts a
 * flow when no question is pending. Runs waiting on a delay or a webhook are left alone, except a
 * run of the very flow being started, which starts over.
 */
import type { AutomationDeps, AutomationHandler } from '../automation/index.ts';
import { keywordIntent } from '../ingest/opt-out.ts';
import type { InboundEvent } from '../messenger/events.ts';
import { contacts, flows, inTransaction } from '../storage/index.ts';
import { type EngineDeps, startRun, stepRun } from './engine.ts';
import { SEQUENCE_PORTS, type SequencePorts } from './ports.ts';
import { createTriggerCache, type TriggerCache } from './trigger-cache.ts';
import type { TriggerInput } from './triggers.ts';

/** What a person did, for trigger matching; null for events that never trigger (echoes, reads…). */
export function triggerInputOf(event: InboundEvent): TriggerInput | null {
  switch (event.kind) {
    case 'message':
      if (event.text === null && event.quickReplyPayload === null) return null;
      return {
        kind: 'message',
        text: event.text,
        quickReplyPayload: event.quickReplyPayload,
        ref: event.referral?.ref ?? null,
      };
    case 'postback':
      return { kind: 'postback', payload: event.payload, ref: event.referral?.ref ?? null };
    case 'referral':
      return { kind: 'referral', ref: event.ref };
    case 'optin': {
      const o = event.optin;
      // STOP/RESUME of notifications and token refreshes are not new opt-ins.
      if (o.type === 'notification_messages' && o.notificationMessagesStatus !== null) return null;
      if (o.type === 'plugin') return { kind: 'optin', payload: null, ref: o.ref };
      return { kind: 'optin', payload: o.payload, ref: null };
    }
    default:
      return null;
  }
}

export interface FlowAutomationOptions {
  readonly sequences?: SequencePorts;
  readonly triggers?: TriggerCache;
}

export function createFlowAutomation(
  deps: Pick<AutomationDeps, 'rules' | 'now' | 'outboxTouched'>,
  options: FlowAutomationOptions = {},
): AutomationHandler {
  const engine: EngineDeps = {
    rules: deps.rules,
    sequences: options.sequences ?? SEQUENCE_PORTS,
    outboxTouched: deps.outboxTouched,
  };
  const triggers = options.triggers ?? createTriggerCache();
  return async (db, event) => {
    if (event.standby) return;
    const input = triggerInputOf(event);
    if (input === null || event.contactId === null || event.senderIsUserRef) return;
    const psid = event.contactId;
    await inTransaction(db, async (tx) => {
      const contact = await contacts.getContactByPsid(tx, event.pageId, psid);
      if (!contact) return;
      const now = deps.now();
      const ws = await triggers.get(tx, contact.workspaceId);
      let match = ws.compiled.size > 0 ? ws.compiled.match(input) : null;
      // BAJA/STOP and ALTA/START already get their confirmation: the default reply stays quiet.
      if (match?.isDefault && input.kind === 'message' && keywordIntent(input.text) !== null) match = null;
      const pending = (await flows.listActiveRuns(tx, contact.id)).find((r) => r.waitKind === 'input');
      if (match === null && pending === undefined) return;
      // A replayed event (crash between our commit and the processed mark) changes nothing.
      if (await flows.eventSeen(tx, contact.id, event.dedupeKey)) return;
      const wins =
        match !== null &&
        !match.isDefault &&
        (pending === undefined || match.priority >= (ws.priorities.get(pending.flowId) ?? 0));
      if (pending && !wins && input.kind === 'message') {
        await stepRun(
          tx,
          engine,
          pending,
          { kind: 'answer', text: input.text, payload: input.quickReplyPayload },
          { now, inResponse: true, eventKey: event.dedupeKey },
        );
        return;
      }
      if (match === null || (pending && !wins)) return;
      if (pending && pending.flowId !== match.flowId) await flows.stopRun(tx, pending.id, 'interrupted', now);
      await startRun(tx, engine, {
        workspaceId: contact.workspaceId,
        contactId: contact.id,
        flowId: match.flowId,
        trigger: match.trigger,
        now,
        eventKey: event.dedupeKey,
        inResponse: true,
      });
    });
  };
}
