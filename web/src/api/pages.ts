/**
 * Connected Facebook Pages (docs/accounts.md): list, connect (subscribes the app to the messaging
 * webhooks), health (`token`, `subscribed`, `missingFields`, `permissions`, `scopes`, `status`) and
 * `DELETE` (disconnects: secrets erased, status `needs_reconnect`; contacts and audit stay).
 */
import { del, get, post } from './http.ts';

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

export const listPages = () => get<{ items: PageView[] }>('/api/v1/pages').then((r) => r.items);
export const connectPage = (input: ConnectPage) => post<PageView>('/api/v1/pages', input);
export const pageHealth = (id: string) => get<PageHealth>(`/api/v1/pages/${encodeURIComponent(id)}/health`);
export const disconnectPage = (id: string) => del(`/api/v1/pages/${encodeURIComponent(id)}`);
