/** Accounts storage: users and memberships, sessions, API keys, invitations, login throttling. */
export * as apiKeys from './api-keys.ts';
export * as invitations from './invitations.ts';
export * as sessions from './sessions.ts';
export * as throttle from './throttle.ts';
export * as users from './users.ts';
