/** `ventana start` on a terminal with no owner yet: ask for one and create it. */
import { accountsText } from '../accounts/messages.ts';
import { createFirstOwner } from '../accounts/service.ts';
import { DEFAULT_WORKSPACE, type Runtime } from '../app/runtime.ts';
import { promptFirstOwner } from './owner-prompt.ts';
import type { CliIo } from './policy.ts';

export async function createOwnerOnTerminal(runtime: Runtime, io: CliIo): Promise<void> {
  if (runtime.setupToken === null) return;
  const answers = await promptFirstOwner(io.stdin, process.stdout, io.defaultLang);
  if (answers === null) return;
  const r = await createFirstOwner(runtime.database, {
    token: runtime.setupToken,
    ...answers,
    lang: io.defaultLang,
    workspaceId: DEFAULT_WORKSPACE,
    now: Date.now(),
  });
  if (r.ok)
    io.out(
      io.defaultLang === 'es' ? `Propietario creado: ${r.user.email}` : `Owner created: ${r.user.email}`,
    );
  else io.err(accountsText(r.code, io.defaultLang));
}
