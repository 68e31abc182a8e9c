/**
 * The flow editor's first line of defence: the steps JSON is parsed and checked here (valid JSON, a
 * list, every step an object with an id and a type, unique ids, every "next" pointing at a step)
 * before the server sees it. Words come from the caller's `t`, so both languages apply.
 */

/** One step of a flow: an id other steps link to, a type, and the type's own fields. */
export interface FlowStep {
  readonly id: string;
  readonly type: string;
  readonly [key: string]: unknown;
}

type T = (key: string, options?: Record<string, unknown>) => string;

/** Every step id a step links to through a "next" field, at any depth (quick replies, buttons…). */
export function linksOf(step: unknown): string[] {
  return [...JSON.stringify(step ?? null).matchAll(/"next":"([^"]+)"/g)].map((m) => m[1]!);
}

type Check = { ok: true; steps: FlowStep[] } | { ok: false; problems: string[] };

/** Local validation before the server's (the words come from the caller's `t`). */
export function checkSteps(json: string, t: T): Check {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return {
      ok: false,
      problems: [t('flows.invalidJson', { error: err instanceof Error ? err.message : String(err) })],
    };
  }
  if (!Array.isArray(value)) return { ok: false, problems: [t('flows.notArray')] };
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, s] of (value as unknown[]).entries()) {
    const step = s as Partial<FlowStep> | null;
    if (!step || typeof step !== 'object') {
      problems.push(t('flows.stepNotObject', { i: i + 1 }));
      continue;
    }
    if (typeof step.id !== 'string' || step.id === '') problems.push(t('flows.stepNoId', { i: i + 1 }));
    else if (ids.has(step.id)) problems.push(t('flows.stepDuplicate', { id: step.id }));
    else ids.add(step.id);
    if (typeof step.type !== 'string' || step.type === '') problems.push(t('flows.stepNoType', { i: i + 1 }));
  }
  for (const target of new Set(linksOf(value)))
    if (!ids.has(target)) problems.push(t('flows.unknownNext', { id: target }));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, steps: value as FlowStep[] };
}
