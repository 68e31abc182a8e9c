/** Demo mode only: fake people writing to the demo Page (CONTRACTS.md). */
import { get, post } from './http.ts';

/** ASSUMPTION: a person is `{ psid, firstName, lastName?, locale? }` in `{ items }`. */
export interface DemoPerson {
  readonly psid: string;
  readonly firstName: string;
  readonly lastName?: string | null;
  readonly locale?: string | null;
}

export const listPeople = () => get<{ items: DemoPerson[] }>('/api/v1/demo/people').then((r) => r.items);
export const writeAs = (psid: string, text: string) =>
  post(`/api/v1/demo/people/${encodeURIComponent(psid)}/messages`, { text });
