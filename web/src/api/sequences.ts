/**
 * Sequences (docs/sequences.md): `GET/POST /api/v1/sequences`, `GET/PUT/DELETE /:id`,
 * `POST /:id/activate|pause`. A step is `{ id, delay: { amount, unit, from, sendAt }, content: { message },
 * intent, fallback: { type, template } }`; the sequence carries `entry: { labels, entryPoints }`,
 * `exitOnReply`, `goal`, `status` and `warnings` (es/en). 400 answers list `error.problems`.
 */
import { type Answer, call, described, type Fields, type Operations } from './http.ts';

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

/**
 * A sequence as the API shows it; the document describes `steps` and `goal` in words, read here as the
 * page's types.
 */
export type Sequence = Omit<Fields<Answer<'getSequencesById'>>, 'steps' | 'goal'> & {
  readonly goal: { label: string | null; field: string | null } | null;
  readonly steps: readonly SequenceStep[];
};

export interface SequenceInput {
  readonly name: string;
  readonly exitOnReply: boolean;
  readonly entry: { readonly labels: readonly string[]; readonly entryPoints: readonly string[] };
  readonly goal?: { label?: string; field?: string } | null;
  readonly defaultTimezone?: number;
  readonly steps: readonly SequenceStep[];
}

const s = (id: string) => ({ params: { id } });
const sequenceOf = (answer: Answer<'getSequencesById'>) => described<Sequence>(answer);
/**
 * The editor builds text messages only; the server checks every field (400 with `problems`), so the
 * editor's step stands in for the document's exact step here.
 */
const body = (input: SequenceInput) => described<Operations['postSequences']['input']['body']>(input);

export const listSequences = () => call('getSequences').then((r) => r.items.map(sequenceOf));
export const createSequence = (input: SequenceInput) =>
  call('postSequences', { body: body(input) }).then(sequenceOf);
export const saveSequence = (id: string, input: SequenceInput) =>
  call('putSequencesById', { ...s(id), body: body(input) }).then(sequenceOf);
export const activateSequence = (id: string) => call('postSequencesByIdActivate', s(id)).then(sequenceOf);
export const pauseSequence = (id: string) => call('postSequencesByIdPause', s(id)).then(sequenceOf);
export const deleteSequence = (id: string) => call('deleteSequencesById', s(id));

const UNIT_MS: Readonly<Record<DelayUnit, number>> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** A step's delay in milliseconds (for display). */
export const delayMs = (step: SequenceStep) => step.delay.amount * UNIT_MS[step.delay.unit];
