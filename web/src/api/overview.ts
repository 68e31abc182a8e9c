/** `GET /api/v1/analytics/overview?from=&to=` (CONTRACTS.md, inbox branch). */
import { get } from './http.ts';

export interface Overview {
  readonly totals: {
    readonly contacts: number;
    readonly windowsOpen: number;
    readonly optIns: number;
    readonly optOuts: number;
    readonly refused: number;
    readonly sent: number;
  };
  readonly byDay: readonly {
    day: string;
    inbound: number;
    sent: number;
    refused: number;
    optIns: number;
    optOuts: number;
  }[];
  readonly byRoute: readonly { route: string; count: number }[];
  readonly refusedByReason: readonly { code: string; count: number }[];
}

export const overview = (from: string, to: string) =>
  get<Overview>('/api/v1/analytics/overview', { from, to });
