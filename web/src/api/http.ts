/**
 * The one door to the REST API: the typed client of src/client (the CLI's `ventana api` uses the same)
 * with the session cookie (credentials same-origin) or the installation token as `Authorization: Bearer`,
 * `x-workspace-id`, `x-csrf-token` on every non-GET request and the reader's language as
 * Accept-Language. Operation names, inputs and answers come from docs/openapi.json
 * (`src/client/operations.ts`), so a route change that breaks a page fails `tsc -p web/tsconfig.json`.
 * A failure becomes an `ApiError` carrying the server's `{ error: { code, message } }` (plus any extra
 * fields, e.g. the inbox's reasons and alternatives), which the pages show as notifications.
 */
import { createApiClient, type Lang, type OperationId, type Operations } from '../../../src/client/index.ts';

export type { OperationId, Operations };

const TOKEN_KEY = 'ventana.token';
const WORKSPACE_KEY = 'ventana.workspace';

interface Credentials {
  token: string | null;
  csrfToken: string | null;
  workspaceId: string | null;
  lang: Lang;
}

const credentials: Credentials = {
  token: readStorage(sessionStorageSafe(), TOKEN_KEY),
  csrfToken: null,
  workspaceId: readStorage(localStorageSafe(), WORKSPACE_KEY),
  lang: 'es',
};

function sessionStorageSafe(): Storage | null {
  return typeof sessionStorage === 'undefined' ? null : sessionStorage;
}
function localStorageSafe(): Storage | null {
  return typeof localStorage === 'undefined' ? null : localStorage;
}
function readStorage(store: Storage | null, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function writeStorage(store: Storage | null, key: string, value: string | null): void {
  try {
    if (value === null) store?.removeItem(key);
    else store?.setItem(key, value);
  } catch {
    // Private mode or a full quota: the value lives for this page only.
  }
}

/** The installation API token (kept for this browser tab only). */
export function setApiToken(token: string | null): void {
  credentials.token = token;
  writeStorage(sessionStorageSafe(), TOKEN_KEY, token);
}
export function apiToken(): string | null {
  return credentials.token;
}
export function setCsrfToken(token: string | null): void {
  credentials.csrfToken = token;
}
export function setWorkspaceId(id: string | null): void {
  credentials.workspaceId = id;
  writeStorage(localStorageSafe(), WORKSPACE_KEY, id);
}
export function workspaceId(): string | null {
  return credentials.workspaceId;
}
export function setApiLanguage(lang: string): void {
  credentials.lang = lang === 'en' ? 'en' : 'es';
}

/** An answer that was not 2xx, with the server's code and message in the reader's language. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The whole `error` object (e.g. `reasons`, `alternatives`, `problems`). */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The shared client, reading the current credentials before every call. */
const client = createApiClient({
  baseUrl: '',
  credentials: 'same-origin',
  current: () => ({
    token: credentials.token ?? undefined,
    csrfToken: credentials.csrfToken ?? undefined,
    workspaceId: credentials.workspaceId ?? undefined,
    lang: credentials.lang,
  }),
});

type Input<K extends OperationId> = Operations[K]['input'];
/** Operations with nothing required take no second argument (as in the client). */
type Args<K extends OperationId> =
  // biome-ignore lint/complexity/noBannedTypes: `{}` here means "an input with no required field".
  {} extends Input<K> ? [input?: Input<K>] : [input: Input<K>];
export type Answer<K extends OperationId> = Operations[K]['response'];
/**
 * An answer's named fields without the `[key: string]: unknown` the document adds to open objects
 * (`Omit` on such a type would drop every named field).
 */
export type Fields<T> = {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K];
};

/** Calls one operation of docs/openapi.json; answers its data, throws `ApiError` when it fails. */
export async function call<K extends OperationId>(operation: K, ...args: Args<K>): Promise<Answer<K>> {
  const r = await client.call(operation, ...(args as never));
  if (!r.ok) throw new ApiError(r.status, r.error.code, r.error.message, { ...r.error });
  return r.data;
}

/**
 * A page's filter as query parameters: empty fields are left out (an empty select means "any") and
 * numbers travel as the strings the document declares.
 */
export function queryOf<Q>(
  filter: Readonly<Record<string, string | number | boolean | null | undefined>>,
): Q {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter))
    if (v !== undefined && v !== null && v !== '') out[k] = String(v);
  return out as Q;
}

/** Operations whose answer is a file: CSV and SVG as text, PNG as bytes. */
type FileOperation = {
  [K in OperationId]: Operations[K]['response'] extends string | ArrayBuffer ? K : never;
}[OperationId];

async function blobOf<K extends FileOperation>(operation: K, input: Input<K>, type: string): Promise<Blob> {
  const data = (await call(operation, ...([input] as Args<K>))) as string | ArrayBuffer;
  return new Blob([data], { type });
}

/**
 * Downloads a file the API produces (CSV, QR image) with the same credentials as every other call:
 * a plain link would carry the cookie but not the installation token.
 */
export async function download<K extends FileOperation>(
  operation: K,
  input: Input<K>,
  name: string,
  type: string,
): Promise<void> {
  const url = URL.createObjectURL(await blobOf(operation, input, type));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A blob URL for an authenticated image (e.g. a QR preview). The caller revokes it. */
export async function blobUrl<K extends FileOperation>(
  operation: K,
  input: Input<K>,
  type: string,
): Promise<string> {
  return URL.createObjectURL(await blobOf(operation, input, type));
}

/**
 * An answer the document describes only in words (`{ [key: string]: unknown }`): the page's own
 * narrow type takes over at the module boundary (docs/dashboard.md lists which).
 */
export function described<T>(answer: unknown): T {
  return answer as T;
}
