/** Stored sequence rows as domain values. */
import type { SequenceRecord } from '../storage/sequences.ts';
import type { Sequence, SequenceSettings, SequenceStep } from './model.ts';

const NO_SETTINGS: SequenceSettings = {
  goal: null,
  entry: { labels: [], entryPoints: [] },
  defaultTimezone: 0,
};

export function toSequence(r: SequenceRecord): Sequence {
  const settings = (r.settings ?? {}) as unknown as Partial<SequenceSettings>;
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    name: r.name,
    status: r.status,
    exitOnReply: r.exitOnReply,
    steps: (Array.isArray(r.steps) ? r.steps : []) as unknown as SequenceStep[],
    settings: { ...NO_SETTINGS, ...settings },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
