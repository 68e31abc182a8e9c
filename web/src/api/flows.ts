/**
 * Flows (flows branch). ASSUMED shapes (not in CONTRACTS.md): `GET /api/v1/flows` → `{ items: Flow[] }`,
 * `POST` `{ name, steps }` → Flow, `GET/PUT /api/v1/flows/:id` (`{ name, steps, enabled? }`), `DELETE /:id`.
 * Validation errors: `{ error: { code, message, problems?: [{ field, message }] } }`.
 */
import type { FlowStep } from '../flow-steps.ts';
import { del, get, post, put } from './http.ts';

export type { FlowStep };

export interface Flow {
  readonly id: string;
  readonly name: string;
  readonly steps: readonly FlowStep[];
  readonly enabled?: boolean;
  readonly updatedAt?: number | string;
}

export const listFlows = () => get<{ items: Flow[] }>('/api/v1/flows').then((r) => r.items);
export const getFlow = (id: string) => get<Flow>(`/api/v1/flows/${encodeURIComponent(id)}`);
export const createFlow = (input: { name: string; steps: readonly FlowStep[] }) =>
  post<Flow>('/api/v1/flows', input);
export const saveFlow = (id: string, input: { name: string; steps: readonly FlowStep[] }) =>
  put<Flow>(`/api/v1/flows/${encodeURIComponent(id)}`, input);
export const deleteFlow = (id: string) => del(`/api/v1/flows/${encodeURIComponent(id)}`);
