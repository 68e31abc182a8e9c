/** `/api/v1/audit` and `/api/v1/audit.csv` (src/server/audit-routes.ts). */
import { download, get } from './http.ts';

export interface AuditEntry {
  readonly id: string;
  readonly pageId: string | null;
  readonly contactId: string | null;
  readonly messageRef: string | null;
  readonly at: number;
  readonly ruleSet: string;
  readonly route: string | null;
  readonly allowed: boolean;
  readonly reasons: readonly { code: string; params?: Record<string, string | number> }[];
  readonly evidence: unknown;
  readonly decision: unknown;
  readonly graphStatus: string | null;
  readonly graphResponse: unknown;
  readonly fbtraceId: string | null;
}

export interface AuditFilter {
  readonly contact?: string;
  readonly message?: string;
  readonly page?: string;
  readonly reason?: string;
  readonly allowed?: 'true' | 'false';
  readonly from?: string;
  readonly to?: string;
}

export const listAudit = (filter: AuditFilter, cursor?: string) =>
  get<{ items: AuditEntry[]; nextCursor: string | null }>('/api/v1/audit', { ...filter, cursor, limit: 50 });
export const downloadAuditCsv = (filter: AuditFilter) =>
  download('/api/v1/audit.csv', 'ventana-audit.csv', { ...filter });
