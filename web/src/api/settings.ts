/** Members, invitations and API keys (CONTRACTS.md, accounts branch). */

import type { Role } from './auth.ts';
import { call, described } from './http.ts';

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

export const listMembers = () => call('getMembers').then((r) => described<Member[]>(r.items));
/** Changes an existing member's role (people join through invitations). */
export const setMemberRole = (input: { userId: string; role: Role }) =>
  call('postMembers', { body: input }).then(described<Member>);
export const removeMember = (userId: string) => call('deleteMembersByUserId', { params: { userId } });
export const listInvitations = () => call('getInvitations').then((r) => described<Invitation[]>(r.items));
export const invite = (input: { email: string; role: Role }) =>
  call('postInvitations', { body: input }).then(described<Invitation>);
export const revokeInvitation = (id: string) => call('deleteInvitationsById', { params: { id } });
export const listApiKeys = () => call('getApiKeys').then((r) => described<ApiKey[]>(r.items));
export const createApiKey = (input: { name: string; role: Role }) =>
  call('postApiKeys', { body: input }).then(described<ApiKey>);
export const revokeApiKey = (id: string) => call('deleteApiKeysById', { params: { id } });
