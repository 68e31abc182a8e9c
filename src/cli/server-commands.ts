/** `ventana start`, `ventana migrate` and `ventana simulator`: the commands that run things. */
import type { Command } from 'commander';
import { limitHeapGrowth } from '../app/heap.ts';
import { type Config, configProblemText, parseConfig } from '../config/config.ts';
import { runSimulatorCommand } from '../simulator/cli.ts';
import { migrateToLatest, openDatabase, redactUrl } from '../storage/index.ts';
import { createOwnerOnTerminal } from './owner-setup.ts';
import type { CliIo } from './policy.ts';
import { printStartBanner } from './start-banner.ts';

export interface ServerCommandEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process should stop (SIGINT/SIGTERM). */
  readonly untilStopped: () => Promise<void>;
}

function loadConfig(io: CliIo, env: ServerCommandEnv['env']): Config | null {
  const result = parseConfig(env);
  if (result.ok) {
    // The commands that run for long set how their heap grows first, before it has grown.
    limitHeapGrowth(result.config.heapGrowingPercent);
    return result.config;
  }
  io.err(io.defaultLang === 'es' ? 'Configuración no válida:' : 'Invalid configuration:');
  for (const p of result.problems) io.err(`  - ${configProblemText(p, io.defaultLang)}`);
  io.setExitCode(2);
  return null;
}

export function registerServerCommands(program: Command, io: CliIo, host: ServerCommandEnv): void {
  program
    .command('start')
    .description('run Ventana (HTTP server, webhook, workers); demo mode when no Page is connected')
    .option('--no-demo', 'do not start the demo Page when no Page is connected')
    .action(async (flags: { demo: boolean }) => {
      const config = loadConfig(io, host.env);
      if (!config) return;
      const { startRuntime } = await import('../app/runtime.ts');
      const runtime = await startRuntime(config, {
        demo: flags.demo,
        benchStats: host.env.VENTANA_BENCH_STATS === '1',
      });
      if (runtime.setupToken !== null && (io.stdin as { isTTY?: boolean }).isTTY === true)
        await createOwnerOnTerminal(runtime, io);
      await printStartBanner(runtime, config, io);
      await host.untilStopped();
      io.out(io.defaultLang === 'es' ? 'Parando Ventana…' : 'Stopping Ventana…');
      await runtime.close();
    });

  program
    .command('worker')
    .description('run background workers only (inbound processing, sends, jobs); several may run at once')
    .action(async () => {
      const config = loadConfig(io, host.env);
      if (!config) return;
      const { runWorkerProcess } = await import('../app/worker-process.ts');
      const stop = await runWorkerProcess(config);
      io.out(
        io.defaultLang === 'es'
          ? `Worker de Ventana en marcha (cola: ${config.queue.engine})`
          : `Ventana worker running (queue: ${config.queue.engine})`,
      );
      await host.untilStopped();
      await stop();
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig(io, host.env);
      if (!config) return;
      const database = await openDatabase(config.databaseUrl);
      try {
        const report = await migrateToLatest(database);
        io.out(`${redactUrl(config.databaseUrl)}: ${JSON.stringify(report)}`);
      } finally {
        await database.close();
      }
    });

  program
    .command('simulator')
    .description('run the local Messenger Platform simulator (fake Graph API and fake people)')
    .option('--port <port>', 'port to listen on', '3900')
    .option(
      '--app-secret <secret>',
      'app secret for signing webhooks',
      host.env.VENTANA_APP_SECRET ?? 'simulator-app-secret',
    )
    .option('--webhook-url <url>', 'where fake people send webhooks')
    .option('--verify-token <token>', 'verify the webhook with this token at start')
    .action(async (flags: { port: string; appSecret: string; webhookUrl?: string; verifyToken?: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.err(
          `--port: ${io.defaultLang === 'es' ? 'puerto no válido' : 'not a valid port'} (${flags.port})`,
        );
        return io.setExitCode(2);
      }
      const running = await runSimulatorCommand({
        port,
        appSecret: flags.appSecret,
        webhookUrl: flags.webhookUrl,
        verifyToken: flags.verifyToken,
        print: io.out,
      });
      await host.untilStopped();
      await running.stop();
    });
}
