/**
 * Validators of the answers to a question step (pure): each returns the value to store in the
 * contact's field, normalised, or null when the answer does not fit.
 */
import type { AskValidation } from './document.ts';
import { foldText } from './triggers.ts';

export type AnswerValue = string | number;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

export function validateEmail(answer: string): string | null {
  const a = answer.trim();
  return a.length <= 254 && EMAIL.test(a) ? a.toLowerCase() : null;
}

/** Phone numbers: 7 to 15 digits (E.164), spaces, dots, dashes and brackets allowed; `+` kept. */
export function validatePhone(answer: string): string | null {
  const a = answer.trim();
  if (!/^\+?[\d\s().-]+$/.test(a)) return null;
  const digits = a.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return a.startsWith('+') ? `+${digits}` : digits;
}

/** Numbers with a dot or a comma as decimal separator ("3,5", "1.000" stays 1000 only with no decimals). */
export function validateNumber(answer: string): number | null {
  const a = answer.trim().replace(/\s/g, '');
  if (!/^-?\d+([.,]\d+)?$/.test(a)) return null;
  const n = Number(a.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

function isoDay(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Dates as ISO `YYYY-MM-DD`, or day first `DD/MM/YYYY` (`-` and `.` too), as Spanish speakers and most
 * of the world write them. Stored as `YYYY-MM-DD`.
 */
export function validateDate(answer: string): string | null {
  const a = answer.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(a);
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(a);
  if (dmy) return isoDay(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  return null;
}

/** One of the choices, compared without accents or case; stored as written in the flow. */
export function validateChoice(answer: string, choices: readonly string[]): string | null {
  const folded = foldText(answer);
  return choices.find((c) => foldText(c) === folded) ?? null;
}

/** Checks an answer (typed text, or the payload of a tapped quick reply) against the step's rule. */
export function validateAnswer(
  kind: AskValidation,
  answer: string,
  choices: readonly string[] = [],
): AnswerValue | null {
  switch (kind) {
    case 'text': {
      const a = answer.trim();
      return a === '' ? null : a.slice(0, 2000);
    }
    case 'email':
      return validateEmail(answer);
    case 'phone':
      return validatePhone(answer);
    case 'number':
      return validateNumber(answer);
    case 'date':
      return validateDate(answer);
    case 'choice':
      return validateChoice(answer, choices);
    default: {
      const never: never = kind;
      throw new Error(`unknown validation ${String(never)}`);
    }
  }
}
