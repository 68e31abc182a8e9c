/** Canned replies: workspace-scoped, with `{{first_name}}` placeholders filled in per contact. */
import { compileContent } from '../broadcasts/personalize.ts';
import { inbox } from '../storage/index.ts';
import { type Actor, type InboxDeps, problem } from './deps.ts';
import type { CannedInput } from './validate.ts';
export async function createCanned(deps: InboxDeps, actor: Actor, input: CannedInput) {
  return inbox.createCannedReply(deps.database, {
    workspaceId: actor.workspaceId,
    ...input,
    createdBy: actor.userId,
    now: deps.now(),
  });
}

export async function updateCanned(deps: InboxDeps, actor: Actor, id: string, input: CannedInput) {
  const ok = await inbox.updateCannedReply(deps.database, actor.workspaceId, id, {
    ...input,
    now: deps.now(),
  });
  if (!ok) return problem(404, 'canned_reply_not_found', { id });
  const item = (await inbox.listCannedReplies(deps.database, actor.workspaceId)).find((c) => c.id === id);
  return { ok: true as const, item };
}

export async function deleteCanned(deps: InboxDeps, actor: Actor, id: string) {
  const ok = await inbox.deleteCannedReply(deps.database, actor.workspaceId, id);
  return ok ? { ok: true as const } : problem(404, 'canned_reply_not_found', { id });
}

/** Canned replies; with a contact, each also `rendered` for that person (`{{first_name}}` filled in). */
export async function listCanned(deps: InboxDeps, actor: Actor, contactId?: string) {
  const items = await inbox.listCannedReplies(deps.database, actor.workspaceId);
  const c =
    contactId === undefined
      ? undefined
      : await inbox.getWorkspaceContact(deps.database, actor.workspaceId, contactId);
  return items.map((i) => {
    if (c === undefined) return i;
    const out = compileContent({ message: { type: 'text', text: i.text } }).render({
      firstName: c.firstName,
      lastName: c.lastName,
      fields: c.fields,
    });
    return { ...i, rendered: out.message.type === 'text' ? out.message.text : i.text };
  });
}
