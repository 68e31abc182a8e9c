/** Contacts (CONTRACTS.md, inbox branch): list with filters, one contact, its timeline, CSV export. */
import { download, get, patch, type Query } from './http.ts';

export type WindowState = 'open' | 'human_agent' | 'closed';

export interface ContactWindow {
  readonly state: WindowState;
  /** Epoch ms or ISO (the countdown accepts both). */
  readonly closesAt: number | string | null;
  readonly humanAgentUntil: number | string | null;
  /** What is still lawful now (docs/inbox.md), each with its route and a sentence in the reader's language. */
  readonly canDo?: readonly {
    readonly code: string;
    readonly route?: string | null;
    readonly message: string;
  }[];
}

export interface ContactView {
  readonly id: string;
  readonly pageId: string;
  readonly psid: string;
  readonly name: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly locale: string | null;
  readonly labels: readonly string[];
  readonly fields: Readonly<Record<string, unknown>>;
  readonly firstEntryPoint: string | null;
  readonly lastEntryPoint: string | null;
  readonly lastInboundAt: number | string | null;
  readonly optedOut: boolean;
  readonly blocked: boolean;
  readonly marketingStatus: string | null;
  readonly window: ContactWindow;
}

export interface ContactFilter {
  readonly search?: string;
  readonly label?: string;
  readonly window?: WindowState | '';
  readonly pageId?: string;
}

/**
 * One line of a contact's history (docs/inbox.md), newest first: a message (`type: 'message'`,
 * `direction`), a policy decision from the audit log (`allowed`, `route`, `reasons` as codes), an inbound
 * event (`kind`: postback, referral, optin, …), an internal note or a label/field edit.
 */
export interface TimelineItem {
  readonly type: 'message' | 'decision' | 'event' | 'note' | 'contact_change';
  readonly id: string;
  readonly at: number;
  readonly kind?: string;
  readonly direction?: 'in' | 'out';
  readonly text?: string | null;
  readonly route?: string | null;
  readonly allowed?: boolean;
  readonly reasons?: readonly string[];
  readonly change?: unknown;
}

/** The i18n key (under `timeline.`) that names a history line. */
export function timelineKey(item: TimelineItem): string {
  if (item.type === 'message') return item.direction === 'out' ? 'outbound' : 'inbound';
  if (item.type === 'decision') return item.allowed ? 'decisionAllowed' : 'decisionRefused';
  if (item.type === 'event') return item.kind ?? 'event';
  return item.type;
}

export const listContacts = (filter: ContactFilter, cursor?: string) =>
  get<{ items: ContactView[]; nextCursor: string | null; total: number }>('/api/v1/contacts', {
    ...(filter as Query),
    cursor,
    limit: 50,
  });
export const getContact = (id: string) => get<ContactView>(`/api/v1/contacts/${encodeURIComponent(id)}`);
export const updateContact = (
  id: string,
  change: { addLabels?: string[]; removeLabels?: string[]; fields?: Record<string, unknown> },
) => patch<ContactView>(`/api/v1/contacts/${encodeURIComponent(id)}`, change);
export const timeline = (id: string) =>
  get<{ items: TimelineItem[] }>(`/api/v1/contacts/${encodeURIComponent(id)}/timeline`).then((r) => r.items);
export const downloadContactsCsv = (filter: ContactFilter) =>
  download('/api/v1/contacts.csv', 'ventana-contacts.csv', filter as Query);
