/**
 * The inbox's storage, one namespace (`inbox`) over four modules: contact search, contact history,
 * inbox conversations (and the live stream's reads), notes and canned replies.
 */
export * from './contact-history.ts';
export * from './contact-search.ts';
export * from './inbox-conversations.ts';
export * from './inbox-notes.ts';
