/**
 * What flows need from other areas, as ports (tests can pass fakes), and the real implementations. Flow steps call these inside the event's
 * transaction; they must only touch the database.
 */
import { enrollByLabels, enrollInSequence, leaveSequences } from '../sequences/enroll.ts';
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

/** The sequences area's own functions (src/sequences/enroll.ts). */
export const SEQUENCE_PORTS: SequencePorts = { enrollInSequence, leaveSequences, enrollByLabels };
