/** `ventana user create`: an account for scripts and provisioning, straight into the database. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { accountsText } from '../accounts/messages.ts';
import { createMember } from '../accounts/service.ts';
import { parseEmail, parseLang, parseName, parsePassword, parseRole } from '../accounts/validate.ts';
import { DEFAULT_WORKSPACE } from '../app/runtime.ts';
import { parseConfig } from '../config/config.ts';
import { openDatabase } from '../storage/index.ts';
import type { CliIo } from './policy.ts';
import type { ServerCommandEnv } from './server-commands.ts';

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/, 1)[0] ?? '';
}

export function registerUserCommands(program: Command, io: CliIo, host: ServerCommandEnv): void {
  const group = program.command('user').description('accounts of the people who use Ventana / cuentas');
  group
    .command('create')
    .description('create an account and make it a member of a workspace')
    .requiredOption('--email <email>', 'their email (unique)')
    .requiredOption('--role <role>', 'owner | admin | agent | viewer')
    .option('--name <name>', 'their name (default: the part of the email before @)')
    .option('--workspace <id>', 'workspace id', DEFAULT_WORKSPACE)
    .option('--lang <lang>', 'es | en')
    .option(
      '--password-stdin',
      'read the password from the first line of stdin (otherwise one is generated and printed once)',
    )
    .action(
      async (flags: {
        email: string;
        role: string;
        name?: string;
        workspace: string;
        lang?: string;
        passwordStdin?: boolean;
      }) => {
        const lang = io.defaultLang;
        const es = lang === 'es';
        const bad = (field: string) => {
          io.err(`--${field}: ${accountsText('invalid_field', lang, { field })}`);
          io.setExitCode(2);
        };
        const email = parseEmail(flags.email);
        if (!email.ok) return bad('email');
        const role = parseRole(flags.role);
        if (!role.ok) return bad('role');
        const name = parseName(flags.name ?? email.value.split('@')[0]);
        if (!name.ok) return bad('name');
        const userLang = parseLang(flags.lang ?? lang);
        if (!userLang.ok) return bad('lang');
        let password: string;
        let generated = false;
        if (flags.passwordStdin) {
          const p = parsePassword(await firstLine(io.stdin));
          if (!p.ok) {
            io.err(
              p.problem.code === 'password_too_short'
                ? accountsText(p.problem.code, lang, { min: p.problem.min })
                : accountsText('invalid_field', lang, { field: 'password' }),
            );
            return io.setExitCode(2);
          }
          password = p.value;
        } else {
          password = randomBytes(15).toString('base64url');
          generated = true;
        }
        const config = parseConfig(host.env);
        if (!config.ok) {
          io.err(
            es ? 'Configuración no válida (ver ventana start)' : 'Invalid configuration (see ventana start)',
          );
          return io.setExitCode(2);
        }
        const database = await openDatabase(config.config.databaseUrl, { migrate: true });
        try {
          const r = await createMember(database, {
            email: email.value,
            name: name.value,
            password,
            lang: userLang.value,
            role: role.value,
            workspaceId: flags.workspace,
            now: Date.now(),
          });
          if (!r.ok) {
            io.err(accountsText('email_taken', lang));
            return io.setExitCode(1);
          }
          io.out(
            es
              ? `Cuenta creada: ${r.user.email} (${role.value} en ${flags.workspace})`
              : `Account created: ${r.user.email} (${role.value} in ${flags.workspace})`,
          );
          if (generated)
            io.out(
              es
                ? `Contraseña (se muestra solo esta vez; cámbiala al entrar): ${password}`
                : `Password (shown only this once; change it after logging in): ${password}`,
            );
        } finally {
          await database.close();
        }
      },
    );
}
