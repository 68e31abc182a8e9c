/** Parsing of the accounts API's input: each failure names the field (rendered by the edge in es/en). */
import { ROLES, type Role } from '../server/auth-context.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

export type FieldProblem =
  | { readonly code: 'invalid_field'; readonly field: string; readonly hint?: string }
  | { readonly code: 'password_too_short'; readonly field: string; readonly min: number };

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: FieldProblem };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function bad(field: string, hint?: string): { ok: false; problem: FieldProblem } {
  return { ok: false, problem: { code: 'invalid_field', field, ...(hint ? { hint } : {}) } };
}

export function bodyOf(body: unknown): Readonly<Record<string, unknown>> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

export function parseEmail(v: unknown, field = 'email'): Parsed<string> {
  if (typeof v !== 'string' || v.trim().length > 254 || !EMAIL.test(v.trim())) return bad(field);
  return { ok: true, value: v.trim() };
}

export function parseName(v: unknown, field = 'name'): Parsed<string> {
  if (typeof v !== 'string' || v.trim() === '' || v.trim().length > 100) return bad(field, '1–100');
  return { ok: true, value: v.trim() };
}

export function parsePassword(v: unknown, field = 'password'): Parsed<string> {
  if (typeof v !== 'string' || v.length > PASSWORD_MAX) return bad(field);
  if (v.length < PASSWORD_MIN)
    return { ok: false, problem: { code: 'password_too_short', field, min: PASSWORD_MIN } };
  return { ok: true, value: v };
}

export function parseLang(v: unknown, field = 'lang'): Parsed<'es' | 'en'> {
  if (v !== 'es' && v !== 'en') return bad(field, 'es | en');
  return { ok: true, value: v };
}

export function parseRole(v: unknown, field = 'role'): Parsed<Role> {
  if (typeof v !== 'string' || !(ROLES as readonly string[]).includes(v))
    return bad(field, ROLES.join(' | '));
  return { ok: true, value: v as Role };
}

export function parseText(v: unknown, field: string, max = 200): Parsed<string> {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) return bad(field);
  return { ok: true, value: v.trim() };
}
