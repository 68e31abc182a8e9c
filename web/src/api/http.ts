/**
 * The one door to the REST API: fetch with the session cookie (or the installation token as
 * `Authorization: Bearer`), `x-workspace-id`, `x-csrf-token` on every non-GET request and the reader's
 * language as Accept-Language. A failure becomes an `ApiError` carrying the server's
 * `{ error: { code, message } }` (plus any extra fields, e.g. the inbox's reasons and alternatives).
 */

const TOKEN_KEY = 'ventana.token';
const WORKSPACE_KEY = 'ventana.workspace';

interface Credentials {
  token: string | null;
  csrfToken: string | null;
  workspaceId: string | null;
  lang: string;
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
  credentials.lang = lang;
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

export type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${s}`;
}

function headersFor(method: string, body: unknown): Headers {
  const h = new Headers({ 'accept-language': credentials.lang });
  if (credentials.token) h.set('authorization', `Bearer ${credentials.token}`);
  if (credentials.workspaceId) h.set('x-workspace-id', credentials.workspaceId);
  if (method !== 'GET' && method !== 'HEAD' && credentials.csrfToken)
    h.set('x-csrf-token', credentials.csrfToken);
  if (body !== undefined) h.set('content-type', 'application/json');
  return h;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error.code === 'string') {
      return new ApiError(
        res.status,
        parsed.error.code,
        typeof parsed.error.message === 'string' ? parsed.error.message : parsed.error.code,
        parsed.error as Record<string, unknown>,
      );
    }
  } catch {
    // Not JSON: fall through.
  }
  return new ApiError(res.status, `http_${res.status}`, text.slice(0, 300) || res.statusText);
}

/** Sends a request and returns the raw response when it is 2xx; throws `ApiError` otherwise. */
export async function send(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, body),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

/** JSON request; 204 gives `undefined`. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

/** Whether the server knows a route (an unknown route answers 404 `not_found`, a known one anything else). */
export async function endpointExists(method: string, path: string): Promise<boolean> {
  try {
    await send(method, path, method === 'GET' ? undefined : {});
    return true;
  } catch (err) {
    return !(err instanceof ApiError && err.status === 404 && err.code === 'not_found');
  }
}

/**
 * Downloads a file the API produces (CSV, QR image) with the same credentials as every other call:
 * a plain link would carry the cookie but not the installation token.
 */
export async function download(path: string, fallbackName: string, query?: Query): Promise<void> {
  const res = await send('GET', withQuery(path, query));
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A blob URL for an authenticated image (e.g. a QR preview). The caller revokes it. */
export async function blobUrl(path: string): Promise<string> {
  const res = await send('GET', path);
  return URL.createObjectURL(await res.blob());
}
