/**
 * Flows (docs/flows.md): versioned documents `{ name, triggers, steps, start?, priority? }`.
 * `GET /api/v1/flows` → `{ items: FlowView[] }` (the document is the `draft`), `POST` (create) and
 * `PUT /:id` (replace the draft) → the flow with `warnings`; 400 `invalid_flow` with
 * `error.problems: [{ stepId, path, code, message }]`; `POST /:id/publish` → `{ version, warnings }`;
 * `POST /:id/archive`.
 */
import type { FlowStep } from '../flow-steps.ts';
import { get, post, put } from './http.ts';

export type { FlowStep };

export interface FlowTrigger {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface FlowDocument {
  readonly name: string;
  readonly triggers: readonly FlowTrigger[];
  readonly steps: readonly FlowStep[];
  readonly start?: string;
  readonly priority?: number;
}

export interface Flow {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'archived' | string;
  readonly publishedVersion: number | null;
  readonly priority: number;
  readonly draft: FlowDocument;
  readonly updatedAt: string;
  readonly publishedAt: string | null;
}

export interface FlowProblem {
  readonly stepId?: string | null;
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

export type SavedFlow = Flow & { readonly warnings: readonly FlowProblem[] };

const f = (id: string) => `/api/v1/flows/${encodeURIComponent(id)}`;

export const listFlows = () => get<{ items: Flow[] }>('/api/v1/flows').then((r) => r.items);
export const getFlow = (id: string) => get<Flow>(f(id));
export const createFlow = (doc: FlowDocument) => post<SavedFlow>('/api/v1/flows', doc);
export const saveFlow = (id: string, doc: FlowDocument) => put<SavedFlow>(f(id), doc);
export const publishFlow = (id: string) =>
  post<{ version: number; warnings: readonly FlowProblem[] }>(`${f(id)}/publish`);
export const archiveFlow = (id: string) => post<{ stoppedRuns: number }>(`${f(id)}/archive`);
