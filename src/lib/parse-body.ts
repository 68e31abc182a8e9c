/**
 * The first step of every "validate an API body" function: accept a JSON string or a value, run it
 * through a zod schema, and name each bad field (`steps[2].delay.amount`) with a stable code, in the
 * reader's language through the caller's own words. Pure.
 */
import type { z } from 'zod';

export type BodyProblemCode = 'invalid_json' | 'required' | 'invalid_value';

export interface BodyProblem<C extends string = BodyProblemCode> {
  readonly field: string;
  readonly code: C;
  readonly message: string;
}

/** `['steps', 2, 'delay']` → `steps[2].delay`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

export function parseBody<S extends z.ZodType>(
  raw: unknown,
  schema: S,
  words: (code: BodyProblemCode) => string,
):
  | { readonly ok: true; readonly data: z.output<S> }
  | { readonly ok: false; readonly problems: BodyProblem[] } {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return {
        ok: false,
        problems: [{ field: '(body)', code: 'invalid_json', message: words('invalid_json') }],
      };
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const missing = issue.code === 'invalid_type' && issue.message.includes('undefined');
      const code: BodyProblemCode = missing ? 'required' : 'invalid_value';
      const field = fieldPath(issue.path) || '(body)';
      return { field, code, message: `${field}: ${words(code)}` };
    }),
  };
}
