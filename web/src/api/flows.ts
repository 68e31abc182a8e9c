/**
 * Flows (docs/flows.md): versioned documents `{ name, triggers, steps, start?, priority? }`.
 * `GET /api/v1/flows` → `{ items: FlowView[] }` (the document is the `draft`), `POST` (create) and
 * `PUT /:id` (replace the draft) → the flow with `warnings`; 400 `invalid_flow` with
 * `error.problems: [{ stepId, path, code, message }]`; `POST /:id/publish` → `{ version, warnings }`;
 * `POST /:id/archive`.
 */
import type { FlowStep } from '../flow-steps.ts';
import { type Answer, call, described, type Fields, type Operations } from './http.ts';

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

/** A flow as the API shows it; the document describes `draft` and `warnings` in words, read here as the page's types. */
export type Flow = Omit<Fields<Answer<'getFlowsById'>>, 'draft' | 'warnings'> & {
  readonly draft: FlowDocument;
  readonly warnings?: readonly FlowProblem[];
};

export interface FlowProblem {
  readonly stepId?: string | null;
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

export type SavedFlow = Flow & { readonly warnings: readonly FlowProblem[] };

/**
 * The steps come from the JSON a person typed: `checkSteps` (flow-steps.ts) checks their shape and the
 * server checks every field (400 `invalid_flow` with `problems`), so the editor's loose document stands
 * in for the document's exact body here.
 */
const body = (doc: FlowDocument) => described<Operations['postFlows']['input']['body']>(doc);
const flowOf = (answer: Answer<'getFlowsById'>) => described<Flow>(answer);

const f = (id: string) => ({ params: { id } });

export const listFlows = () => call('getFlows').then((r) => r.items.map(flowOf));
export const getFlow = (id: string) => call('getFlowsById', f(id)).then(flowOf);
export const createFlow = (doc: FlowDocument) =>
  call('postFlows', { body: body(doc) }).then(described<SavedFlow>);
export const saveFlow = (id: string, doc: FlowDocument) =>
  call('putFlowsById', { ...f(id), body: body(doc) }).then(described<SavedFlow>);
export const publishFlow = (id: string) =>
  call('postFlowsByIdPublish', f(id)).then((r) => ({
    version: r.version,
    warnings: described<readonly FlowProblem[]>(r.warnings ?? []),
  }));
export const archiveFlow = (id: string) =>
  call('postFlowsByIdArchive', f(id)).then((r) => ({ stoppedRuns: r.stoppedRuns }));
