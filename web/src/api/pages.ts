/** Connected Facebook Pages (CONTRACTS.md, accounts branch). */
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
  readonly token: { readonly valid: boolean; readonly reason?: string };
  readonly subscribed: boolean;
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
