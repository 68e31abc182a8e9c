/** `GET /api/v1/analytics/overview?from=&to=` (CONTRACTS.md, inbox branch). */
import { type Answer, call } from './http.ts';

export type Overview = Answer<'getAnalyticsOverview'>;

export const overview = (from: string, to: string) => call('getAnalyticsOverview', { query: { from, to } });
