/** Dates, numbers and durations in the reader's language. */
import { currentLang } from './i18n/index.ts';

export function toMs(t: number | string | null | undefined): number | null {
  if (t === null || t === undefined || t === '') return null;
  if (typeof t === 'number') return t;
  const n = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  return Number.isNaN(n) ? null : n;
}

export function formatDateTime(t: number | string | null | undefined): string {
  const ms = toMs(t);
  if (ms === null) return '—';
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat(currentLang()).format(n);
}

/** "5 h 12 min", "3 d 4 h", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** The day part of an ISO date in the reader's language (chart axes). */
export function formatDay(day: string): string {
  const ms = Date.parse(day.length === 10 ? `${day}T12:00:00Z` : day);
  if (Number.isNaN(ms)) return day;
  return new Intl.DateTimeFormat(currentLang(), { day: 'numeric', month: 'short' }).format(ms);
}
