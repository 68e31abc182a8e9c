/**
 * Sequences (docs/sequences.md): `GET/POST /api/v1/sequences`, `GET/PUT/DELETE /:id`,
 * `POST /:id/activate|pause`. A step is `{ id, delay: { amount, unit, from, sendAt }, content: { message },
 * intent, fallback: { type, template } }`; the sequence carries `entry: { labels, entryPoints }`,
 * `exitOnReply`, `goal`, `status` and `warnings` (es/en). 400 answers list `error.problems`.
 */
import { del, get, post, put } from './http.ts';

export type DelayUnit = 'minutes' | 'hours' | 'days';
export type Fallback = 'skip' | 'wait_for_inbound' | 'utility_template' | 'marketing_message';

export interface SequenceStep {
  readonly id?: string;
  readonly name?: string | null;
  readonly delay: {
    readonly amount: number;
    readonly unit: DelayUnit;
    readonly from?: 'enrollment' | 'previous';
    readonly sendAt?: string | null;
  };
  readonly content: { readonly message: { readonly type: string; readonly text?: string } };
  readonly intent: 'promotional' | 'non_promotional' | 'transactional';
  readonly fallback?: { readonly type: Fallback; readonly template?: unknown };
}

export interface Sequence {
  readonly id: string;
  readonly name: string;
  readonly status: 'draft' | 'active' | 'paused' | string;
  readonly exitOnReply: boolean;
  readonly goal: { label: string | null; field: string | null } | null;
  readonly entry: { readonly labels: readonly string[]; readonly entryPoints: readonly string[] };
  readonly defaultTimezone: number;
  readonly steps: readonly SequenceStep[];
  readonly warnings: readonly { step: number; code: string; message: string }[];
}

export interface SequenceInput {
  readonly name: string;
  readonly exitOnReply: boolean;
  readonly entry: { readonly labels: readonly string[]; readonly entryPoints: readonly string[] };
  readonly goal?: { label?: string; field?: string } | null;
  readonly defaultTimezone?: number;
  readonly steps: readonly SequenceStep[];
}

const s = (id: string) => `/api/v1/sequences/${encodeURIComponent(id)}`;

export const listSequences = () => get<{ items: Sequence[] }>('/api/v1/sequences').then((r) => r.items);
export const createSequence = (input: SequenceInput) => post<Sequence>('/api/v1/sequences', input);
export const saveSequence = (id: string, input: SequenceInput) => put<Sequence>(s(id), input);
export const activateSequence = (id: string) => post<Sequence>(`${s(id)}/activate`);
export const pauseSequence = (id: string) => post<Sequence>(`${s(id)}/pause`);
export const deleteSequence = (id: string) => del(s(id));

const UNIT_MS: Readonly<Record<DelayUnit, number>> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** A step's delay in milliseconds (for display). */
export const delayMs = (step: SequenceStep) => step.delay.amount * UNIT_MS[step.delay.unit];
