/** Contacts (CONTRACTS.md, inbox branch): list with filters, one contact, its timeline, CSV export. */
import { type Answer, call, described, download, type Operations, queryOf } from './http.ts';

/** A contact as the API shows it (CONTRACTS.md ContactView), with the window's `canDo` in the reader's language. */
export type ContactView = Answer<'getContactsById'>;
export type ContactWindow = ContactView['window'];
export type WindowState = ContactWindow['state'];

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

type ContactsQuery = NonNullable<Operations['getContacts']['input']['query']>;

export const listContacts = (filter: ContactFilter, cursor?: string) =>
  call('getContacts', { query: queryOf<ContactsQuery>({ ...filter, cursor, limit: 50 }) });
export const getContact = (id: string) => call('getContactsById', { params: { id } });
export const updateContact = (id: string, change: Operations['patchContactsById']['input']['body']) =>
  call('patchContactsById', { params: { id }, body: change });
/** The timeline's lines are described in words by the document: `TimelineItem` is the page's reading. */
export const timeline = (id: string) =>
  call('getContactsByIdTimeline', { params: { id } }).then((r) => described<TimelineItem[]>(r.items));
export const downloadContactsCsv = (filter: ContactFilter) =>
  download(
    'getContactsCsv',
    { query: queryOf<ContactsQuery>({ ...filter }) },
    'contacts.csv',
    'text/csv;charset=utf-8',
  );
