/**
 * What sequences do when a person acts (runs inside the event's transaction, database only):
 * - an opted-out person (the keyword was just applied) leaves every sequence;
 * - a message is a reply: sequences with `exitOnReply` end for that person;
 * - any action that opens the window releases the steps held by `wait_for_inbound`;
 * - a referral (m.me link, ad, QR) enrolls the person in sequences that name that entry point.
 */
import type { AutomationDeps, AutomationHandler } from '../automation/index.ts';
import { contacts, sequences as repo } from '../storage/index.ts';
import { enrollByEntryPoint, leaveEnrollment } from './enroll.ts';

function refOf(event: Parameters<AutomationHandler>[1]): string | null {
  if (event.kind === 'referral') return event.ref;
  if (event.kind === 'message' || event.kind === 'postback') return event.referral?.ref ?? null;
  return null;
}

export function createSequenceAutomation(deps: Pick<AutomationDeps, 'now' | 'logger'>): AutomationHandler {
  return async (db, event) => {
    const acts =
      event.kind === 'message' ||
      event.kind === 'postback' ||
      event.kind === 'referral' ||
      (event.kind === 'reaction' && event.action !== 'unreact');
    if (!acts || event.senderIsUserRef || event.contactId === null) return;
    const contact = await contacts.getContactByPsid(db, event.pageId, event.contactId);
    if (!contact) return;
    const now = deps.now();
    // Most inbound events come from people in no sequence: one indexed read, then nothing.
    const active = await repo.activeEnrollmentsOf(db, contact.id);
    if (contact.optedOutAt !== null) {
      for (const e of active) await leaveEnrollment(db, e.id, 'opt_out', now);
      return;
    }
    if (active.length > 0) {
      if (event.kind === 'message') {
        for (const e of active) if (e.exitOnReply) await leaveEnrollment(db, e.id, 'reply', now);
      }
      const released = await repo.releaseWaitingSteps(db, contact.id, now);
      if (released > 0) deps.logger?.debug({ contact: contact.id, released }, 'sequence steps released');
    }
    const ref = refOf(event);
    if (ref)
      await enrollByEntryPoint(db, { workspaceId: contact.workspaceId, contactId: contact.id, ref, now });
  };
}
