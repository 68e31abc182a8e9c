/**
 * What flows need from other areas, as ports with the exact signatures of CONTRACTS.md, and the
 * implementations used until those areas are merged. Flow steps call these inside the event's
 * transaction; they must only touch the database.
 */
import type { Queryable } from '../storage/index.ts';

export interface SequencePorts {
  enrollInSequence(
    db: Queryable,
    input: { workspaceId: string; contactId: string; sequenceId: string; source: string; now: number },
  ): Promise<{ ok: true; enrollmentId: string } | { ok: false; code: string }>;
  leaveSequences(
    db: Queryable,
    input: {
      contactId: string;
      sequenceId?: string;
      reason: 'reply' | 'goal' | 'opt_out' | 'manual' | 'flow';
      now: number;
    },
  ): Promise<number>;
  enrollByLabels(
    db: Queryable,
    input: { workspaceId: string; contactId: string; labels: readonly string[]; now: number },
  ): Promise<number>;
}

// WIRE(sequences): replace with `enrollInSequence`, `leaveSequences` and `enrollByLabels` from
// src/sequences/enroll.ts once the sequences branch is merged.
export const SEQUENCE_PORTS: SequencePorts = {
  enrollInSequence: async () => ({ ok: false, code: 'not_wired' }),
  leaveSequences: async () => 0,
  enrollByLabels: async () => 0,
};
