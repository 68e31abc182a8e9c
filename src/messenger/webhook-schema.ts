// The webhook envelope Meta POSTs for `object: "page"` (reference §6.3), as wire types plus a total
// envelope check. Event contents are read by normalize.ts; this file only decides whether the
// envelope is one we can iterate over.

import { id, isRecord, type JsonRecord } from './json-guards.ts';

/** A Messenger user or Page reference inside a messaging event. */
export interface WireParty {
  readonly id?: string;
  readonly user_ref?: string;
}

/** One item of `entry[].messaging[]` or `entry[].standby[]`, as Meta sends it (fields by event type). */
export interface WireMessagingEvent {
  readonly sender?: WireParty;
  readonly recipient?: WireParty;
  readonly timestamp?: number | string;
  readonly message?: JsonRecord;
  readonly postback?: JsonRecord;
  readonly referral?: JsonRecord;
  readonly optin?: JsonRecord;
  readonly delivery?: JsonRecord;
  readonly read?: JsonRecord;
  readonly reaction?: JsonRecord;
  readonly message_edit?: JsonRecord;
  readonly pass_thread_control?: JsonRecord;
  readonly take_thread_control?: JsonRecord;
  readonly request_thread_control?: JsonRecord;
  readonly app_roles?: JsonRecord;
  readonly policy_enforcement?: JsonRecord;
  readonly [key: string]: unknown;
}

/** One item of `entry[].changes[]` (Page `feed`, template status updates). */
export interface WireChange {
  readonly field?: string;
  readonly value?: JsonRecord;
  readonly [key: string]: unknown;
}

/** One entry of a webhook body: one Page, a batch of events. */
export interface WireEntry {
  readonly id: string;
  readonly time?: number;
  readonly messaging?: readonly WireMessagingEvent[];
  readonly standby?: readonly WireMessagingEvent[];
  readonly changes?: readonly WireChange[];
}

/** The whole webhook body for Pages. */
export interface WireWebhookBody {
  readonly object: 'page';
  readonly entry: readonly WireEntry[];
}

/** Stable codes for a webhook body that cannot be processed at all. */
export type WebhookEnvelopeErrorCode = 'invalid_json' | 'invalid_envelope' | 'unsupported_object';

/** Why a webhook body was refused; `path` names the offending field, e.g. `entry[0].messaging`. */
export interface WebhookEnvelopeError {
  readonly ok: false;
  readonly code: WebhookEnvelopeErrorCode;
  readonly path: string;
  readonly message: string;
}

/** A checked envelope: each entry has an id and array-typed event lists whose items are objects. */
export interface CheckedEntry {
  readonly pageId: string;
  readonly time: unknown;
  readonly messaging: readonly JsonRecord[];
  readonly standby: readonly JsonRecord[];
  readonly changes: readonly JsonRecord[];
}

/** Outcome of {@link checkEnvelope}. */
export type EnvelopeResult =
  | { readonly ok: true; readonly entries: readonly CheckedEntry[] }
  | WebhookEnvelopeError;

const EMPTY: readonly JsonRecord[] = Object.freeze([]);

function fail(code: WebhookEnvelopeErrorCode, path: string, message: string): WebhookEnvelopeError {
  return { ok: false, code, path, message };
}

function checkList(
  entry: JsonRecord,
  key: string,
  path: string,
): readonly JsonRecord[] | WebhookEnvelopeError {
  const list = entry[key];
  if (list === undefined || list === null) return EMPTY;
  if (!Array.isArray(list)) return fail('invalid_envelope', `${path}.${key}`, `${key} must be an array`);
  for (let i = 0; i < list.length; i++) {
    if (!isRecord(list[i])) {
      return fail('invalid_envelope', `${path}.${key}[${i}]`, `${key} items must be objects`);
    }
  }
  return list as readonly JsonRecord[];
}

/**
 * Checks the outer shape of a parsed webhook body: `object` must be `"page"` (anything else, such as
 * `"instagram"`, is `unsupported_object`), `entry` an array of objects with an `id`, and
 * `messaging` / `standby` / `changes`, when present, arrays of objects. Never throws.
 */
export function checkEnvelope(body: unknown): EnvelopeResult {
  if (!isRecord(body)) return fail('invalid_envelope', '', 'body must be a JSON object');
  const object = body.object;
  if (typeof object !== 'string') return fail('invalid_envelope', 'object', 'object must be a string');
  if (object !== 'page')
    return fail('unsupported_object', 'object', `object "${object.slice(0, 40)}" is not "page"`);
  const entry = body.entry;
  if (!Array.isArray(entry)) return fail('invalid_envelope', 'entry', 'entry must be an array');
  const entries: CheckedEntry[] = [];
  for (let i = 0; i < entry.length; i++) {
    const e: unknown = entry[i];
    const path = `entry[${i}]`;
    if (!isRecord(e)) return fail('invalid_envelope', path, 'entry items must be objects');
    const pageId = id(e.id);
    if (pageId === null) return fail('invalid_envelope', `${path}.id`, 'entry id must be a non-empty string');
    const messaging = checkList(e, 'messaging', path);
    if (!Array.isArray(messaging)) return messaging as WebhookEnvelopeError;
    const standby = checkList(e, 'standby', path);
    if (!Array.isArray(standby)) return standby as WebhookEnvelopeError;
    const changes = checkList(e, 'changes', path);
    if (!Array.isArray(changes)) return changes as WebhookEnvelopeError;
    entries.push({ pageId, time: e.time, messaging, standby, changes });
  }
  return { ok: true, entries };
}
