/** Demo mode only: fake people writing to the demo Page (CONTRACTS.md). */
import { call, described } from './http.ts';

/** ASSUMPTION: a person is `{ psid, firstName, lastName?, locale? }` in `{ items }`. */
export interface DemoPerson {
  readonly psid: string;
  readonly firstName: string;
  readonly lastName?: string | null;
  readonly locale?: string | null;
}

export const listPeople = () => call('getDemoPeople').then((r) => described<DemoPerson[]>(r.items));
export const writeAs = (psid: string, text: string) =>
  call('postDemoPeopleByPsidMessages', { params: { psid }, body: { text } });
