/**
 * The `ventana` command line. This is a composition root: it alone reads the environment for the
 * language default and hands explicit values to everything below.
 */
import { Command, CommanderError } from 'commander';
import type { Lang } from '../policy/index.ts';
import { registerApiCommands } from './api-commands.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerBroadcastCommands } from './broadcast-commands.ts';
import { type CliIo, registerPolicyCommands } from './policy.ts';
import { registerServerCommands, type ServerCommandEnv } from './server-commands.ts';
import { registerUserCommands } from './user-commands.ts';

/** Spanish when the environment asks for it (VENTANA_LANG, then LANG), English otherwise. */
export function defaultLang(env: NodeJS.ProcessEnv): Lang {
  const value = (env.VENTANA_LANG ?? env.LC_ALL ?? env.LANG ?? '').toLowerCase();
  return value.startsWith('es') ? 'es' : 'en';
}

export function buildProgram(io: CliIo, host: ServerCommandEnv): Command {
  const program = new Command('ventana')
    .description(
      'Ventana: Messenger marketing that obeys Meta’s rules / marketing en Messenger que cumple las reglas de Meta',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerPolicyCommands(program, io);
  registerServerCommands(program, io, host);
  registerBroadcastCommands(program, io, host);
  registerAuditCommands(program, io, host);
  registerUserCommands(program, io, host);
  registerApiCommands(program, io, host);
  return program;
}

/** Runs the CLI and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const io: CliIo = {
    stdin: process.stdin,
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    defaultLang: defaultLang(process.env),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    const host: ServerCommandEnv = {
      env: process.env,
      untilStopped: () =>
        new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        }),
    };
    await buildProgram(io, host).parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return exitCode;
}
