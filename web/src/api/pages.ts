/**
 * Connected Facebook Pages (docs/accounts.md): list, connect (subscribes the app to the messaging
 * webhooks), health (`token`, `subscribed`, `missingFields`, `permissions`, `scopes`, `status`) and
 * `DELETE` (disconnects: secrets erased, status `needs_reconnect`; contacts and audit stay).
 */
import { type Answer, call, described } from './http.ts';

export interface PageView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly permissions: Readonly<Record<string, unknown>> | readonly string[] | null;
  readonly webhookUrl: string;
  readonly hasToken: boolean;
}
export interface PageHealth {
  readonly token: { readonly valid: boolean; readonly reason?: string; readonly expiresAt?: number | null };
  readonly subscribed: boolean;
  /** Webhook fields Ventana needs that the app is not subscribed to on this Page. */
  readonly missingFields?: readonly string[];
  readonly scopes?: readonly string[];
  readonly statusReason?: string | null;
  readonly permissions: Readonly<Record<string, unknown>>;
  readonly status: string;
}
export interface ConnectPage {
  readonly id: string;
  readonly name: string;
  readonly accessToken: string;
  readonly appSecret?: string;
  readonly verifyToken?: string;
}

export const listPages = (): Promise<PageView[]> => call('getPages').then((r) => r.items.map(pageView));
export const connectPage = (input: ConnectPage) => call('postPages', { body: { ...input } }).then(pageView);
/** The document types `token`, `subscribed` and `status`; the rest (`missingFields`, `scopes`…) is the page's reading. */
export const pageHealth = (id: string) =>
  call('getPagesByIdHealth', { params: { id } }).then(described<PageHealth>);
export const disconnectPage = (id: string) => call('deletePagesById', { params: { id } });

/** `permissions` is free-form in the document (an object or a list, by Page); the page reads it as such. */
function pageView(p: Answer<'getPages'>['items'][number]): PageView {
  return { ...p, permissions: described<PageView['permissions']>(p.permissions) };
}
