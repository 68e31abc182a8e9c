/** The public JSON shape of a decision (DESIGN 3.1): moments as ISO 8601 text, in reasons too. */
import { iso } from './time.ts';
import type { Alternative, Decision, MessageParams, Note, Reason } from './types.ts';

type WithIsoParams<T extends { params?: MessageParams }> = Omit<T, 'params'> & {
  readonly params?: MessageParams;
};

export interface DecisionDocument
  extends Omit<
    Decision,
    'now' | 'windowClosesAt' | 'humanAgentUntil' | 'reasons' | 'alternatives' | 'notes'
  > {
  readonly now: string;
  readonly windowClosesAt: string | null;
  readonly humanAgentUntil: string | null;
  readonly reasons: readonly WithIsoParams<Reason>[];
  readonly alternatives: readonly WithIsoParams<Alternative>[];
  readonly notes: readonly WithIsoParams<Note>[];
}

function isoParams<T extends { params?: MessageParams }>(item: T): T {
  if (typeof item.params?.at !== 'number') return item;
  return { ...item, params: { ...item.params, at: iso(item.params.at) } };
}

export function decisionDocument(d: Decision): DecisionDocument {
  return {
    ...d,
    now: iso(d.now),
    windowClosesAt: d.windowClosesAt === null ? null : iso(d.windowClosesAt),
    humanAgentUntil: d.humanAgentUntil === null ? null : iso(d.humanAgentUntil),
    reasons: d.reasons.map(isoParams),
    alternatives: d.alternatives.map(isoParams),
    notes: d.notes.map(isoParams),
  };
}
