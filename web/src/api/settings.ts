/** Members, invitations and API keys (CONTRACTS.md, accounts branch). */

import type { Role } from './auth.ts';
import { del, get, post } from './http.ts';

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
}

export interface Invitation {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: 'pending' | 'accepted' | 'revoked' | 'expired';
  /** Only in the answer that creates it: the one-time link to pass on by hand. */
  readonly acceptUrl?: string;
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role?: Role;
  readonly createdAt?: number | string;
  readonly lastUsedAt?: number | string | null;
  /** The secret, shown once, only in the answer that creates it. */
  readonly key?: string;
  readonly prefix?: string;
}

export const listMembers = () => get<{ items: Member[] }>('/api/v1/members').then((r) => r.items);
/** Changes an existing member's role (people join through invitations). */
export const setMemberRole = (input: { userId: string; role: Role }) =>
  post<Member>('/api/v1/members', input);
export const removeMember = (userId: string) => del(`/api/v1/members/${encodeURIComponent(userId)}`);
export const listInvitations = () => get<{ items: Invitation[] }>('/api/v1/invitations').then((r) => r.items);
export const invite = (input: { email: string; role: Role }) =>
  post<Invitation>('/api/v1/invitations', input);
export const revokeInvitation = (id: string) => del(`/api/v1/invitations/${encodeURIComponent(id)}`);
export const listApiKeys = () => get<{ items: ApiKey[] }>('/api/v1/api-keys').then((r) => r.items);
export const createApiKey = (input: { name: string; role: Role }) => post<ApiKey>('/api/v1/api-keys', input);
export const revokeApiKey = (id: string) => del(`/api/v1/api-keys/${encodeURIComponent(id)}`);
