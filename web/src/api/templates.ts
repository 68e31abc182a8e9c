/**
 * Utility templates (docs/marketing-and-templates.md): `GET /api/v1/templates` → `{ items }`,
 * `POST` `{ pageId, name, language, body, examples }` authors a DRAFT (422 `template_marketing_content`
 * with the selling signals when it reads as marketing), `POST /:id/submit` sends it to Meta for review,
 * `DELETE /:id` removes it here and on Meta.
 */
import { del, get, post } from './http.ts';

export interface Template {
  readonly id: string;
  readonly pageId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: 'DRAFT' | 'PENDING' | 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED' | string;
  readonly rejectedReason: string | null;
  readonly body: string | null;
  readonly parameters: readonly string[];
  readonly examples: readonly string[];
}

export interface NewTemplate {
  readonly pageId: string;
  readonly name: string;
  readonly language: string;
  readonly body: string;
  readonly examples: readonly string[];
}

const tp = (id: string) => `/api/v1/templates/${encodeURIComponent(id)}`;

export const listTemplates = () => get<{ items: Template[] }>('/api/v1/templates').then((r) => r.items);
export const createTemplate = (input: NewTemplate) => post<Template>('/api/v1/templates', input);
export const submitTemplate = (id: string) => post<Template>(`${tp(id)}/submit`);
export const deleteTemplate = (id: string) => del(tp(id));

/** The positional placeholders `{{1}}…{{n}}` of a body, in order of number (each needs an example). */
export function placeholdersOf(body: string): number[] {
  const found = new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));
  return [...found].sort((a, b) => a - b);
}
