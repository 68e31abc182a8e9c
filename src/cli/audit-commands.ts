/** `ventana audit export`: the decisions and outcomes as CSV, filtered like the API. */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_WORKSPACE } from '../app/runtime.ts';
import { parseConfig } from '../config/config.ts';
import { auditFilterOf } from '../server/audit-routes.ts';
import { audit, openDatabase } from '../storage/index.ts';
import type { CliIo } from './policy.ts';
import type { ServerCommandEnv } from './server-commands.ts';

export function registerAuditCommands(program: Command, io: CliIo, host: ServerCommandEnv): void {
  const group = program
    .command('audit')
    .description('the audit log of decisions and outcomes / el registro de decisiones');
  group
    .command('export')
    .description('write the audit log as CSV (stdout or --out)')
    .option('--contact <id>', 'one contact')
    .option('--message <id>', 'one message (outbox id)')
    .option('--page <id>', 'one Page')
    .option('--reason <code>', 'entries with this reason code, e.g. outside_window')
    .option('--allowed <true|false>', 'only allowed or only refused decisions')
    .option('--from <date>', 'from this moment (ISO 8601)')
    .option('--to <date>', 'until this moment, excluded')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (flags: Record<string, string | undefined>) => {
      const es = io.defaultLang === 'es';
      const config = parseConfig(host.env);
      if (!config.ok) {
        io.err(
          es ? 'Configuración no válida (ver ventana start)' : 'Invalid configuration (see ventana start)',
        );
        return io.setExitCode(2);
      }
      const parsed = auditFilterOf(DEFAULT_WORKSPACE, flags);
      if (!parsed.ok) {
        io.err(es ? `--${parsed.param}: valor no válido` : `--${parsed.param}: not a valid value`);
        return io.setExitCode(2);
      }
      const database = await openDatabase(config.config.databaseUrl, { migrate: true });
      try {
        const sink: NodeJS.WritableStream = flags.out ? createWriteStream(flags.out) : process.stdout;
        let rows = -1;
        for await (const line of audit.auditCsvLines(database, parsed.filter)) {
          rows++;
          if (!sink.write(line)) await new Promise<void>((r) => sink.once('drain', () => r()));
        }
        if (flags.out) await new Promise<void>((r) => sink.end(() => r()));
        io.err(es ? `${rows} decisiones exportadas` : `${rows} decisions exported`);
      } finally {
        await database.close();
      }
    });
}
