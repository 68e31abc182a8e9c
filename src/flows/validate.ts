/**
 * Validates a flow document on save: its shape (schema.ts), its wiring (step ids, references, loops),
 * Meta's content limits for every message, and the compliance check (lawful.ts). Every problem is
 * listed with the step and field it is about. Pure.
 */
import { collectOutboundProblems, type OutboundMessage, problemList } from '../messenger/outbound.ts';
import type { Lang, RuleSet } from '../policy/index.ts';
import { type FlowDocument, type FlowStep, startStepId, successors } from './document.ts';
import { checkLawfulRoutes, instantLoops, latestStart, stepContent } from './lawful.ts';
import { type FlowProblemCode, located, type Params, problemMessage } from './messages.ts';
import { type FlowProblem, parseFlowShape } from './schema.ts';
import { compileKeyword } from './triggers.ts';

export type { FlowProblem } from './schema.ts';

export interface ValidateOptions {
  readonly lang: Lang;
  readonly rules: RuleSet;
  readonly now: number;
}

export type ValidateResult =
  | { readonly ok: true; readonly doc: FlowDocument; readonly warnings: readonly FlowProblem[] }
  | { readonly ok: false; readonly problems: readonly FlowProblem[] };

function problem(
  lang: Lang,
  code: FlowProblemCode,
  at: { stepId?: string; index?: number; field: string; path?: string },
  params: Params = {},
  severity: 'error' | 'warning' = 'error',
): FlowProblem {
  const path =
    at.path ?? (at.index === undefined ? at.field : `steps[${at.index}]${at.field ? `.${at.field}` : ''}`);
  return {
    ...(at.stepId === undefined ? {} : { stepId: at.stepId }),
    path,
    code,
    severity,
    params,
    message: problemMessage(lang, code, { stepId: at.stepId, field: at.field }, params),
  };
}

function referenceFields(step: FlowStep): [string, string][] {
  const out: [string, string][] = [];
  if (step.next !== undefined) out.push(['next', step.next]);
  if (step.type === 'ask' && step.fallback !== undefined) out.push(['fallback', step.fallback]);
  if (step.type === 'webhook' && step.onError !== undefined) out.push(['onError', step.onError]);
  if (step.type === 'condition') {
    step.branches.forEach((b, i) => {
      out.push([`branches[${i}].next`, b.next]);
    });
    if (step.else !== undefined) out.push(['else', step.else]);
  }
  return out;
}

/** Parses and checks a flow document; `ok` only when no problem is an error. */
export function validateFlow(input: unknown, opts: ValidateOptions): ValidateResult {
  const { lang } = opts;
  const shape = parseFlowShape(input, lang);
  if (!shape.ok) return shape;
  const doc = shape.doc;
  const problems: FlowProblem[] = [];

  const ids = new Set<string>();
  doc.steps.forEach((s, i) => {
    if (ids.has(s.id))
      problems.push(problem(lang, 'duplicate_step', { stepId: s.id, index: i, field: 'id' }, { id: s.id }));
    ids.add(s.id);
  });
  if (doc.start !== undefined && !ids.has(doc.start))
    problems.push(problem(lang, 'unknown_step', { field: 'start' }, { id: doc.start }));
  doc.steps.forEach((s, i) => {
    for (const [field, target] of referenceFields(s)) {
      if (!ids.has(target))
        problems.push(problem(lang, 'unknown_step', { stepId: s.id, index: i, field }, { id: target }));
    }
  });

  doc.triggers.forEach((t, i) => {
    if (t.type === 'keyword' && t.match === 'regex') {
      const compiled = compileKeyword(t);
      if (!compiled.ok)
        problems.push(
          problem(lang, 'invalid_regex', { field: `triggers[${i}].value` }, { detail: compiled.detail }),
        );
    }
  });

  doc.steps.forEach((s, i) => {
    if (s.type === 'ask' && s.validate === 'choice' && (s.choices === undefined || s.choices.length === 0))
      problems.push(problem(lang, 'choices_required', { stepId: s.id, index: i, field: 'choices' }));
    const content = stepContent(s, 'response');
    if (content === null) return;
    const out = problemList(lang);
    collectOutboundProblems(content.message as OutboundMessage, out);
    // Paths inside the message map back onto the step's own fields.
    const base = s.type === 'send' ? 'message.' : '';
    for (const p of out.items) {
      const field =
        s.type === 'utility_template' && p.path.startsWith('bodyParameters')
          ? p.path.replace('bodyParameters', 'parameters')
          : `${base}${p.path}`;
      problems.push({
        stepId: s.id,
        path: `steps[${i}].${field}`,
        code: p.code,
        severity: 'error',
        message: located(lang, { stepId: s.id, field }, p.message),
      });
    }
  });

  if (problems.length === 0) {
    const loops = instantLoops(doc);
    doc.steps.forEach((s, i) => {
      if (loops.has(s.id))
        problems.push(problem(lang, 'loop_without_wait', { stepId: s.id, index: i, field: '' }));
    });
    const reachable = latestStart(doc);
    doc.steps.forEach((s, i) => {
      if (!reachable.has(s.id) && s.id !== startStepId(doc))
        problems.push(
          problem(lang, 'unreachable_step', { stepId: s.id, index: i, field: '' }, {}, 'warning'),
        );
    });
    if (loops.size === 0)
      problems.push(...checkLawfulRoutes({ doc, rules: opts.rules, now: opts.now, lang }));
  }

  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { ok: false, problems };
  return { ok: true, doc, warnings: problems };
}

/** Steps by id (a published document has unique ids). */
export function stepsById(doc: FlowDocument): ReadonlyMap<string, FlowStep> {
  return new Map(doc.steps.map((s) => [s.id, s]));
}

/** Whether `doc` leads anywhere from `id` (used by stats to order steps as the flow runs). */
export function stepOrder(doc: FlowDocument): string[] {
  const byId = stepsById(doc);
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = [startStepId(doc)].filter((x): x is string => x !== undefined);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    order.push(id);
    queue.push(...successors(byId.get(id)!));
  }
  for (const s of doc.steps) if (!seen.has(s.id)) order.push(s.id);
  return order;
}
