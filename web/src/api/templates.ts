/**
 * Utility templates (docs/marketing-and-templates.md): `GET /api/v1/templates` → `{ items }`,
 * `POST` `{ pageId, name, language, body, examples }` authors a DRAFT (422 `template_marketing_content`
 * with the selling signals when it reads as marketing), `POST /:id/submit` sends it to Meta for review,
 * `DELETE /:id` removes it here and on Meta.
 */
import { call, described } from './http.ts';

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

export const listTemplates = () => call('getTemplates').then((r) => described<Template[]>(r.items));
export const createTemplate = (input: NewTemplate) =>
  call('postTemplates', { body: { ...input, examples: [...input.examples] } }).then(described<Template>);
export const submitTemplate = (id: string) =>
  call('postTemplatesByIdSubmit', { params: { id } }).then(described<Template>);
export const deleteTemplate = (id: string) => call('deleteTemplatesById', { params: { id } });

/** The positional placeholders `{{1}}…{{n}}` of a body, in order of number (each needs an example). */
export function placeholdersOf(body: string): number[] {
  const found = new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));
  return [...found].sort((a, b) => a - b);
}
