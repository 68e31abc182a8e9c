/**
 * Utility templates (growth branch). ASSUMED shapes: `GET /api/v1/templates` → `{ items: Template[] }`,
 * `POST` `{ pageId?, name, language, category: 'UTILITY', body }` → Template (status from Meta).
 */
import { del, get, post } from './http.ts';

export interface Template {
  readonly id: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: string;
  readonly body?: string;
  readonly pageId?: string | null;
  readonly rejectionReason?: string | null;
}

export const listTemplates = () => get<{ items: Template[] }>('/api/v1/templates').then((r) => r.items);
export const createTemplate = (input: {
  pageId?: string;
  name: string;
  language: string;
  category: string;
  body: string;
}) => post<Template>('/api/v1/templates', input);
export const deleteTemplate = (id: string) => del(`/api/v1/templates/${encodeURIComponent(id)}`);
