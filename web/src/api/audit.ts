/** `/api/v1/audit` and `/api/v1/audit.csv` (src/server/audit-routes.ts). */
import { type Answer, call, download, type Operations, queryOf } from './http.ts';

/** One audit line as `GET /api/v1/audit` answers it (reasons carry their `params`). */
export type AuditEntry = Answer<'getAudit'>['items'][number];

export interface AuditFilter {
  readonly contact?: string;
  readonly message?: string;
  readonly page?: string;
  readonly reason?: string;
  readonly allowed?: 'true' | 'false';
  readonly from?: string;
  readonly to?: string;
}

type AuditQuery = NonNullable<Operations['getAudit']['input']['query']>;

export const listAudit = (filter: AuditFilter, cursor?: string) =>
  call('getAudit', { query: queryOf<AuditQuery>({ ...filter, cursor, limit: 50 }) });
export const downloadAuditCsv = (filter: AuditFilter) =>
  download(
    'getAuditCsv',
    { query: queryOf<AuditQuery>({ ...filter }) },
    'ventana-audit.csv',
    'text/csv;charset=utf-8',
  );
