/**
 * `ventana broadcast create|preflight|send|status|report`: the broadcast lifecycle from a terminal,
 * straight on the database configured for `ventana start` (same environment). JSON in with
 * `--file`, JSON out; `send` runs the fan-out and the sender here with a progress bar until done.
 */
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { limitHeapGrowth } from '../app/heap.ts';
import { loadOrCreateSecrets } from '../app/secrets.ts';
import { runFanOut } from '../broadcasts/fanout.ts';
import { problemText } from '../broadcasts/messages.ts';
import { preflight, renderPreflight } from '../broadcasts/preflight.ts';
import { renderBroadcast, renderReport } from '../broadcasts/render.ts';
import { runBroadcast } from '../broadcasts/runner.ts';
import {
  broadcastProgress,
  broadcastReport,
  controlBroadcast,
  createBroadcast,
  findBroadcast,
  UNCONFIRMED_GRACE_MS,
} from '../broadcasts/service.ts';
import { configProblemText, parseConfig, publicUrlOf } from '../config/config.ts';
import { createGraphClient, createMemorySendRateLimiter } from '../graph/index.ts';
import { createRuleBook, isLang, type Lang } from '../policy/index.ts';
import { type Database, openDatabase } from '../storage/index.ts';
import type { CliIo } from './policy.ts';
import type { ServerCommandEnv } from './server-commands.ts';

const WORKSPACE = 'default';

interface CreateFlags {
  readonly at?: string;
  readonly localTime?: boolean;
  readonly fallbackTimezone?: string;
  readonly beforeWindowCloses?: boolean;
  readonly windowMargin?: string;
  readonly skipClosedWindow?: boolean;
  /** commander's `--no-track-links`: false when given. */
  readonly trackLinks?: boolean;
}

/**
 * The file's document with the schedule flags laid over it (flags win). A file that is not JSON is
 * passed through unchanged, so the parse boundary reports it.
 */
export function withScheduleFlags(body: string, flags: CreateFlags): unknown {
  const given =
    flags.at !== undefined ||
    flags.localTime ||
    flags.fallbackTimezone !== undefined ||
    flags.beforeWindowCloses ||
    flags.windowMargin !== undefined ||
    flags.skipClosedWindow ||
    flags.trackLinks === false;
  if (!given) return body;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return body;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const d = doc as Record<string, unknown>;
  const schedule: Record<string, unknown> =
    d.schedule !== null && typeof d.schedule === 'object' ? { ...(d.schedule as object) } : {};
  if (flags.at !== undefined) schedule.at = flags.at;
  if (flags.localTime) schedule.localTime = true;
  if (flags.fallbackTimezone !== undefined) schedule.fallbackTimezone = Number(flags.fallbackTimezone);
  if (flags.beforeWindowCloses) schedule.beforeWindowCloses = true;
  if (flags.windowMargin !== undefined) schedule.windowMarginMinutes = Number(flags.windowMargin);
  if (flags.skipClosedWindow) schedule.closedWindow = 'skip';
  return {
    ...d,
    ...(Object.keys(schedule).length > 0 ? { schedule } : {}),
    ...(flags.trackLinks === false ? { trackLinks: false } : {}),
  };
}

interface Flags {
  readonly lang?: string;
}

export function registerBroadcastCommands(program: Command, io: CliIo, host: ServerCommandEnv): void {
  const broadcast = program
    .command('broadcast')
    .description('create, check and send broadcasts / difusiones');

  const langOf = (flags: Flags): Lang | null => {
    if (flags.lang === undefined) return io.defaultLang;
    if (isLang(flags.lang)) return flags.lang;
    io.err(`${problemText('invalid_lang', 'en')} / ${problemText('invalid_lang', 'es')}`);
    io.setExitCode(2);
    return null;
  };

  /** Opens the configured database (migrated) and runs `fn`; configuration problems exit 2. */
  async function withDatabase(
    lang: Lang,
    fn: (database: Database, secretKey: () => Buffer) => Promise<void>,
  ) {
    const parsed = parseConfig(host.env);
    if (!parsed.ok) {
      for (const p of parsed.problems) io.err(configProblemText(p, lang));
      io.setExitCode(2);
      return;
    }
    const config = parsed.config;
    const database = await openDatabase(config.databaseUrl, { migrate: true });
    try {
      await fn(database, () => loadOrCreateSecrets(config).secretKey);
    } finally {
      await database.close();
    }
  }

  const notFound = (id: string, lang: Lang) => {
    io.err(problemText('broadcast_not_found', lang, { id }));
    io.setExitCode(1);
  };

  broadcast
    .command('create')
    .description('create a broadcast from a JSON file (validated and classified; nothing stored on error)')
    .requiredOption(
      '--file <path>',
      'JSON document: { name, intent, audience, content, schedule?, trackLinks? }',
    )
    .option('--at <time>', 'send at this time (2026-12-24T09:00+01:00; with --local-time: 2026-12-24T09:00)')
    .option('--local-time', "read --at in each person's own time zone")
    .option(
      '--fallback-timezone <hours>',
      "hours from UTC for people without a time zone (default: the Page's most common)",
    )
    .option('--before-window-closes', 'send earlier to people whose window would close before --at')
    .option('--window-margin <minutes>', 'with --before-window-closes: minutes before the close (default 60)')
    .option('--skip-closed-window', 'with --before-window-closes: skip people whose window is already closed')
    .option('--no-track-links', 'send links as written (no click tracking)')
    .option('--lang <lang>', 'es or en')
    .action(async (flags: Flags & CreateFlags & { file: string }) => {
      const lang = langOf(flags);
      if (!lang) return;
      let body: string;
      try {
        body = readFileSync(flags.file, 'utf8');
      } catch (e) {
        io.err(problemText('invalid_file', lang, { file: flags.file, detail: (e as Error).message }));
        return io.setExitCode(2);
      }
      await withDatabase(lang, async (database) => {
        const r = await createBroadcast(database, {
          workspaceId: WORKSPACE,
          body: withScheduleFlags(body, flags),
          lang,
          now: Date.now(),
        });
        if (!r.ok) {
          for (const p of r.problems) io.err(p.message);
          return io.setExitCode(2);
        }
        io.out(JSON.stringify(renderBroadcast(r.broadcast), null, 2));
      });
    });

  broadcast
    .command('preflight <id>')
    .description('the route every recipient would take now, grouped and counted (exact)')
    .option('--at <iso>', 'decide at this moment instead of now')
    .option('--lang <lang>', 'es or en')
    .action(async (id: string, flags: Flags & { at?: string }) => {
      const lang = langOf(flags);
      if (!lang) return;
      await withDatabase(lang, async (database) => {
        const b = await findBroadcast(database, id);
        if (!b) return notFound(id, lang);
        const at = flags.at ? Date.parse(flags.at) : Date.now();
        io.out(JSON.stringify(renderPreflight(await preflight(database, b, at), lang), null, 2));
      });
    });

  broadcast
    .command('send <id>')
    .description('start (or resume) a broadcast and send it from this process, with a progress bar')
    .option('--lang <lang>', 'es or en')
    .action(async (id: string, flags: Flags) => {
      const lang = langOf(flags);
      if (!lang) return;
      await withDatabase(lang, async (database, secretKey) => {
        const b = await findBroadcast(database, id);
        if (!b) return notFound(id, lang);
        if (b.status === 'draft' || b.status === 'paused') {
          const r = await controlBroadcast(
            database,
            id,
            b.status === 'draft' ? 'send' : 'resume',
            Date.now(),
          );
          if (!r.ok) return notFound(id, lang);
        } else if (b.status !== 'sending') {
          io.err(problemText('invalid_state', lang, { status: b.status, action: 'send' }));
          return io.setExitCode(1);
        }
        if (b.schedule !== null) {
          // A scheduled broadcast waits in the outbox (it survives restarts): enqueue everyone with
          // their moment and leave the sending to the server's worker instead of blocking for days.
          await runFanOut(database, id, { now: Date.now });
          const report = await broadcastReport(database, id, Date.now());
          if (report?.nextDueAt != null && report.nextDueAt > Date.now()) {
            io.err(
              problemText('scheduled_notice', lang, {
                count: report.counts.queued,
                at: new Date(report.nextDueAt).toISOString(),
              }),
            );
            io.out(JSON.stringify(renderReport(report), null, 2));
            return;
          }
        }
        const parsed = parseConfig(host.env);
        if (!parsed.ok) return;
        limitHeapGrowth(parsed.config.heapGrowingPercent);
        const graph = createGraphClient({
          baseUrl: parsed.config.graphUrl,
          version: parsed.config.graphVersion,
          batchSends: parsed.config.graphBatchSends,
        });
        const bar = new SingleBar({
          format: `${lang === 'es' ? 'Enviando' : 'Sending'} [{bar}] {percentage}% {value}/{total} | sent {sent} refused {refused} failed {failed} unknown {unknown}`,
        });
        bar.start(Math.max(1, b.enqueued), 0, { sent: 0, refused: 0, failed: 0, unknown: 0 });
        try {
          const end = await runBroadcast(
            {
              database,
              graph,
              limiter: createMemorySendRateLimiter(),
              publicUrl: publicUrlOf(parsed.config),
              rules: createRuleBook(),
              secretKey: secretKey(),
              now: Date.now,
            },
            id,
            {
              onProgress: (p) => {
                bar.setTotal(Math.max(1, p.enqueued));
                bar.update(p.finished, p.counts);
              },
            },
          );
          bar.stop();
          io.out(JSON.stringify(end, null, 2));
        } finally {
          bar.stop();
          await graph.close();
        }
      });
    });

  broadcast
    .command('resend-unconfirmed <id>')
    .description(
      'queue again the sends whose outcome is unknown and that Meta never echoed (10 minutes on); they are decided again before leaving',
    )
    .option('--lang <lang>', 'es or en')
    .action(async (id: string, flags: Flags) => {
      const lang = langOf(flags);
      if (!lang) return;
      await withDatabase(lang, async (database) => {
        const r = await controlBroadcast(database, id, 'resend-unconfirmed', Date.now());
        if (!r.ok) {
          if (r.code === 'broadcast_not_found') return notFound(id, lang);
          io.err(problemText('invalid_state', lang, { status: r.status, action: 'resend-unconfirmed' }));
          return io.setExitCode(1);
        }
        io.err(
          problemText('resend_notice', lang, {
            count: r.affected,
            minutes: UNCONFIRMED_GRACE_MS / 60_000,
            id,
          }),
        );
        io.out(JSON.stringify({ ...renderBroadcast(r.broadcast), affected: r.affected }, null, 2));
      });
    });

  broadcast
    .command('status <id>')
    .description('progress: counts by outbox status')
    .option('--lang <lang>', 'es or en')
    .action(async (id: string, flags: Flags) => {
      const lang = langOf(flags);
      if (!lang) return;
      await withDatabase(lang, async (database) => {
        const p = await broadcastProgress(database, id, Date.now());
        if (!p) return notFound(id, lang);
        io.out(JSON.stringify(p, null, 2));
      });
    });

  broadcast
    .command('report <id>')
    .description('final report: sent, delivered, read, refused by reason, failed, unknown')
    .option('--lang <lang>', 'es or en')
    .action(async (id: string, flags: Flags) => {
      const lang = langOf(flags);
      if (!lang) return;
      await withDatabase(lang, async (database) => {
        const r = await broadcastReport(database, id, Date.now());
        if (!r) return notFound(id, lang);
        io.out(JSON.stringify(renderReport(r), null, 2));
      });
    });
}
