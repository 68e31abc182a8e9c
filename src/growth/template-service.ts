/**
 * Utility templates through their life: author (content-checked) or clone from Meta's library as a
 * DRAFT, submit to Meta, follow the status webhook, send with parameters through the outbox (the
 * dispatch refuses any template that is not APPROVED), delete. Results are values with codes.
 */
import type { GraphClient } from '../graph/client.ts';
import type { OutboxContent } from '../outbound/content.ts';
import type { Signal } from '../policy/index.ts';
import { contacts, type Database, growth, outbox, pages, type Queryable } from '../storage/index.ts';
import type { FieldProblem } from './messages.ts';
import {
  contentCheck,
  parameterCount,
  parseClone,
  parseTemplate,
  type TemplateDefinition,
  toGraphTemplate,
} from './template-model.ts';

export interface TemplateDeps {
  readonly database: Database;
  readonly graph: () => GraphClient | null;
  readonly secretKey: Buffer;
  readonly now: () => number;
}

export type TemplateFailure =
  | { readonly ok: false; readonly code: 'invalid'; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly code: 'template_marketing_content'; readonly signals: readonly Signal[] }
  | { readonly ok: false; readonly code: 'template_forbidden_content'; readonly text: string }
  | {
      readonly ok: false;
      readonly code: 'page_not_found' | 'page_token_missing' | 'not_ready' | 'template_not_found';
    }
  | { readonly ok: false; readonly code: 'template_exists'; readonly name: string; readonly language: string }
  | {
      readonly ok: false;
      readonly code: 'template_not_submittable';
      readonly name: string;
      readonly status: string;
    }
  | {
      readonly ok: false;
      readonly code: 'library_template_not_found';
      readonly name: string;
      readonly language: string;
    }
  | { readonly ok: false; readonly code: 'graph_failed'; readonly message: string };

export type TemplateResult =
  | { readonly ok: true; readonly template: growth.TemplateRecord }
  | TemplateFailure;

async function pageOf(deps: TemplateDeps, workspaceId: string, pageId: string) {
  const page = await pages.getPage(deps.database, pageId);
  return page && page.workspaceId === workspaceId ? page : undefined;
}

async function store(
  deps: TemplateDeps,
  workspaceId: string,
  head: { pageId: string; name: string; language: string },
  definition: TemplateDefinition,
): Promise<TemplateResult> {
  if (!(await pageOf(deps, workspaceId, head.pageId))) return { ok: false, code: 'page_not_found' };
  const r = await growth.insertTemplate(deps.database, {
    workspaceId,
    ...head,
    category: 'UTILITY',
    definition,
    now: deps.now(),
  });
  return r.ok ? r : { ok: false, code: 'template_exists', name: head.name, language: head.language };
}

/** A new DRAFT authored in Ventana; marketing wording is refused here, before Meta sees it. */
export async function createTemplate(
  deps: TemplateDeps,
  workspaceId: string,
  input: unknown,
): Promise<TemplateResult> {
  const parsed = parseTemplate(input);
  if (!parsed.ok) return { ok: false, code: 'invalid', problems: parsed.problems };
  const check = contentCheck(parsed.definition);
  if (!check.ok) return check;
  return store(deps, workspaceId, parsed.head, parsed.definition);
}

/** A new DRAFT cloned from Meta's library (checked to exist there when Meta can be asked). */
export async function cloneTemplate(
  deps: TemplateDeps,
  workspaceId: string,
  input: unknown,
): Promise<TemplateResult> {
  const parsed = parseClone(input);
  if (!parsed.ok) return { ok: false, code: 'invalid', problems: parsed.problems };
  const { head, definition } = parsed;
  const graph = deps.graph();
  const token = (await pages.getPageSecrets(deps.database, deps.secretKey, head.pageId))?.accessToken;
  let body: string | undefined;
  if (graph && token) {
    const found = await graph.searchTemplateLibrary(token, {
      nameOrContent: definition.libraryTemplateName,
      language: head.language,
    });
    if (found.ok) {
      const match = found.data.find(
        (t) => t.name === definition.libraryTemplateName && t.language === head.language,
      );
      if (!match)
        return {
          ok: false,
          code: 'library_template_not_found',
          name: definition.libraryTemplateName,
          language: head.language,
        };
      body = match.body;
    }
  }
  return store(deps, workspaceId, head, body === undefined ? definition : { ...definition, body });
}

/**
 * Submits a DRAFT (or a REJECTED template, replaced on Meta's side) for review. Meta answers with the
 * template id and often its status at once; the status webhook confirms or changes it later.
 */
export async function submitTemplate(
  deps: TemplateDeps,
  workspaceId: string,
  id: string,
): Promise<TemplateResult> {
  const t = await growth.getTemplate(deps.database, workspaceId, id);
  if (!t) return { ok: false, code: 'template_not_found' };
  if (t.status !== 'DRAFT' && t.status !== 'REJECTED')
    return { ok: false, code: 'template_not_submittable', name: t.name, status: t.status };
  const definition = t.definition as TemplateDefinition;
  if (definition.kind === 'authored') {
    const check = contentCheck(definition);
    if (!check.ok) return check;
  }
  const graph = deps.graph();
  if (!graph) return { ok: false, code: 'not_ready' };
  const token = (await pages.getPageSecrets(deps.database, deps.secretKey, t.pageId))?.accessToken;
  if (!token) return { ok: false, code: 'page_token_missing' };
  if (t.status === 'REJECTED' && t.metaId !== null)
    await graph.deleteMessageTemplate(t.pageId, token, t.name);
  const created = await graph.createMessageTemplate(t.pageId, token, toGraphTemplate(t, definition));
  if (!created.ok) return { ok: false, code: 'graph_failed', message: created.failure.message };
  const status = statusOf(created.data.status) ?? 'PENDING';
  await growth.recordTemplateSubmitted(deps.database, t.id, {
    metaId: created.data.id,
    status,
    rejectedReason: null,
    now: deps.now(),
  });
  const after = await growth.getTemplate(deps.database, workspaceId, id);
  return after ? { ok: true, template: after } : { ok: false, code: 'template_not_found' };
}

/** Deletes the template here and, once submitted, on Meta's side too. */
export async function removeTemplate(
  deps: TemplateDeps,
  workspaceId: string,
  id: string,
): Promise<{ ok: true } | TemplateFailure> {
  const t = await growth.getTemplate(deps.database, workspaceId, id);
  if (!t) return { ok: false, code: 'template_not_found' };
  if (t.metaId !== null) {
    const graph = deps.graph();
    const token = (await pages.getPageSecrets(deps.database, deps.secretKey, t.pageId))?.accessToken;
    if (!graph) return { ok: false, code: 'not_ready' };
    if (!token) return { ok: false, code: 'page_token_missing' };
    const r = await graph.deleteMessageTemplate(t.pageId, token, t.name);
    // Already gone on Meta's side (subcode 2388094) is what deleting wants.
    if (!r.ok && r.failure.subcode !== 2388094)
      return { ok: false, code: 'graph_failed', message: r.failure.message };
  }
  await growth.deleteTemplate(deps.database, workspaceId, id);
  return { ok: true };
}

const STATUSES: readonly growth.TemplateStatus[] = ['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'];

/** Meta's status words as stored statuses; unknown words (e.g. FLAGGED) are ignored. */
export function statusOf(word: string | null | undefined): growth.TemplateStatus | null {
  const w = (word ?? '').toUpperCase();
  return (STATUSES as readonly string[]).includes(w) ? (w as growth.TemplateStatus) : null;
}

/**
 * The status webhook (`message_template_status_update`), applied inside the event's transaction.
 * Returns the number of templates changed.
 */
export async function applyTemplateStatusEvent(
  db: Queryable,
  event: {
    readonly pageId: string;
    readonly event: string | null;
    readonly templateId: string | null;
    readonly templateName: string | null;
    readonly language: string | null;
    readonly reason: string | null;
    readonly timestamp: number;
  },
  now: number,
): Promise<number> {
  const status = statusOf(event.event);
  if (status === null) return 0;
  return growth.applyTemplateStatus(db, {
    pageId: event.pageId,
    metaId: event.templateId,
    name: event.templateName,
    language: event.language,
    status,
    reason: event.reason === 'NONE' ? null : event.reason,
    at: event.timestamp || now,
  });
}

export type SendTemplateResult =
  | { readonly ok: true; readonly outboxId: string; readonly created: boolean }
  | TemplateFailure
  | { readonly ok: false; readonly code: 'contact_not_found' }
  | { readonly ok: false; readonly code: 'invalid'; readonly problems: readonly FieldProblem[] };

/**
 * Queues a send of the template to one contact, with its parameters, through the outbox. The status
 * is NOT checked here: the dispatch decides at send time (a template may be paused meanwhile).
 */
export async function sendTemplate(
  deps: TemplateDeps,
  workspaceId: string,
  id: string,
  input: { readonly contactId?: unknown; readonly parameters?: unknown; readonly idempotencyKey?: unknown },
): Promise<SendTemplateResult> {
  const t = await growth.getTemplate(deps.database, workspaceId, id);
  if (!t) return { ok: false, code: 'template_not_found' };
  const problems: FieldProblem[] = [];
  if (typeof input.contactId !== 'string' || input.contactId === '')
    problems.push({ field: 'contactId', code: 'required' });
  const raw = input.parameters ?? [];
  const definition = t.definition as TemplateDefinition;
  const expected = parameterCount(definition);
  const named = definition.kind === 'authored' && definition.parameterFormat === 'NAMED';
  let parameters: (string | { name: string; text: string })[] = [];
  if (named && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const values = raw as Record<string, unknown>;
    parameters = (definition as { parameters: readonly string[] }).parameters.map((name) => ({
      name,
      text: String(values[name] ?? ''),
    }));
  } else if (Array.isArray(raw)) parameters = raw.map(String);
  else problems.push({ field: 'parameters', code: 'expected_array' });
  const texts = parameters.map((p) => (typeof p === 'string' ? p : p.text));
  if ((expected !== null && texts.length !== expected) || texts.some((p) => p.trim() === ''))
    problems.push({
      field: 'parameters',
      code: 'examples_mismatch',
      params: { count: expected ?? texts.length },
    });
  if (problems.length > 0) return { ok: false, code: 'invalid', problems };
  const contact = await contacts.getContact(deps.database, input.contactId as string);
  if (!contact || contact.workspaceId !== workspaceId || contact.pageId !== t.pageId)
    return { ok: false, code: 'contact_not_found' };
  const content: OutboxContent = {
    message: { type: 'utility_template', name: t.name, language: t.language, bodyParameters: parameters },
  };
  const at = deps.now();
  const key =
    typeof input.idempotencyKey === 'string' && input.idempotencyKey !== ''
      ? `template-${t.id}-${input.idempotencyKey}`
      : `template-${t.id}-${contact.id}-${at}`;
  const r = await outbox.enqueueOutbox(deps.database, [
    {
      workspaceId,
      pageId: t.pageId,
      contactId: contact.id,
      origin: 'api',
      originId: `template:${t.id}`,
      idempotencyKey: key,
      content: content as never,
      now: at,
    },
  ]);
  const fresh = r.inserted[0];
  if (fresh) return { ok: true, outboxId: fresh.id, created: true };
  const existing = await outbox.getOutboxItemByKey(deps.database, key);
  return { ok: true, outboxId: existing?.id ?? '', created: false };
}
