/**
 * Sequences (sequences branch). ASSUMED shapes: `GET /api/v1/sequences` → `{ items: Sequence[] }`,
 * `POST` `{ name, entryLabel?, steps: [{ delayMinutes, intent, message }] }`, `PUT /:id`, `DELETE /:id`.
 */
import { del, get, post, put } from './http.ts';

export interface SequenceStep {
  readonly delayMinutes: number;
  readonly intent?: string;
  readonly message: { readonly type: string; readonly text?: string };
}
export interface Sequence {
  readonly id: string;
  readonly name: string;
  readonly entryLabel?: string | null;
  readonly steps: readonly SequenceStep[];
  readonly enabled?: boolean;
  readonly enrolled?: number;
}
export interface SequenceInput {
  readonly name: string;
  readonly entryLabel?: string;
  readonly steps: readonly SequenceStep[];
}

export const listSequences = () => get<{ items: Sequence[] }>('/api/v1/sequences').then((r) => r.items);
export const createSequence = (input: SequenceInput) => post<Sequence>('/api/v1/sequences', input);
export const saveSequence = (id: string, input: SequenceInput) =>
  put<Sequence>(`/api/v1/sequences/${encodeURIComponent(id)}`, input);
export const deleteSequence = (id: string) => del(`/api/v1/sequences/${encodeURIComponent(id)}`);
