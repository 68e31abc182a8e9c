/** Members, invitations and API keys (CONTRACTS.md, accounts branch). */

import type { Role } from './auth.ts';
import { del, get, post } from './http.ts';

export interface Member {
  readonly userId?: string;
  readonly id?: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
}
export interface Invitation {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly expiresAt?: number | string | null;
  /** Only in the answer that creates it. */
  readonly token?: string;
  readonly url?: string;
}
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role?: Role;
  readonly createdAt?: number | string;
  readonly lastUsedAt?: number | string | null;
  /** The secret, shown once, only in the answer that creates it. */
  readonly key?: string;
  readonly token?: string;
}

export const listMembers = () => get<{ items: Member[] }>('/api/v1/members').then((r) => r.items);
export const addMember = (input: { email: string; role: Role }) => post<Member>('/api/v1/members', input);
export const listInvitations = () => get<{ items: Invitation[] }>('/api/v1/invitations').then((r) => r.items);
export const invite = (input: { email: string; role: Role }) =>
  post<Invitation>('/api/v1/invitations', input);
export const listApiKeys = () => get<{ items: ApiKey[] }>('/api/v1/api-keys').then((r) => r.items);
export const createApiKey = (input: { name: string; role: Role }) => post<ApiKey>('/api/v1/api-keys', input);
export const revokeApiKey = (id: string) => del(`/api/v1/api-keys/${encodeURIComponent(id)}`);
