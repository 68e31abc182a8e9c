/** The `ventana policy` commands: check, explain and rules. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { isLang, type Lang } from '../policy/index.ts';
import { type PolicyRunOptions, preparePolicyRun } from '../services/policy-check.ts';
import { printRules } from './policy-rules.ts';

interface CheckFlags {
  file?: string;
  rules?: string;
  lang?: string;
  jsonl?: boolean;
  disable?: string;
  tz?: string;
}

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly defaultLang: Lang;
  setExitCode(code: number): void;
}

function langOf(flag: string | undefined, io: CliIo): Lang | null {
  if (flag === undefined) return io.defaultLang;
  return isLang(flag) ? flag : null;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function runCheck(flags: CheckFlags, io: CliIo, mode: 'json' | 'text'): Promise<void> {
  const lang = langOf(flags.lang, io);
  if (lang === null) {
    io.err(`--lang: expected es or en / se esperaba es o en (got "${flags.lang}")`);
    return io.setExitCode(2);
  }
  const options: PolicyRunOptions = {
    lang,
    rules: flags.rules,
    disable: flags.disable
      ? flags.disable
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    timeZone: flags.tz,
  };
  if (flags.tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: flags.tz });
    } catch {
      io.err(`--tz: unknown time zone "${flags.tz}" / zona horaria desconocida`);
      return io.setExitCode(2);
    }
  }
  const prepared = preparePolicyRun(options);
  if (!prepared.ok) {
    io.err(prepared.error.error.message);
    return io.setExitCode(2);
  }
  const input = flags.file !== undefined ? fileStream(flags.file, io) : io.stdin;
  if (input === null) return io.setExitCode(2);

  if (flags.jsonl) {
    // One decision per line, in order; a bad line answers with its error and the others still run.
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const result = prepared.run(line);
      if (mode === 'json') io.out(JSON.stringify(result.ok ? result.decision : result.error));
      else io.out(result.ok ? `${result.text}\n` : `✘ ${result.error.error.message}\n`);
    }
    return;
  }
  const result = prepared.run(await readAll(input));
  if (!result.ok) {
    if (mode === 'json') io.out(JSON.stringify(result.error, null, 2));
    io.err(result.error.error.message);
    return io.setExitCode(2);
  }
  io.out(mode === 'json' ? JSON.stringify(result.decision, null, 2) : result.text);
}

function fileStream(path: string, io: CliIo): NodeJS.ReadableStream | null {
  try {
    return Readable.from([readFileSync(path)]);
  } catch (e) {
    io.err(`--file: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export function registerPolicyCommands(program: Command, io: CliIo): void {
  const policy = program
    .command('policy')
    .description('Messenger policy engine / motor de políticas de Messenger');
  const withInputOptions = (cmd: Command) =>
    cmd
      .option('--file <path>', 'read facts from a file instead of stdin')
      .option('--rules <date|id>', 'use the rules in force at this day or rule-set id')
      .option('--lang <es|en>', 'language of the messages')
      .option('--jsonl', 'one facts document per line in, one decision per line out')
      .option('--disable <ids>', 'switch off uncertain rules, comma-separated (see `policy rules`)')
      .option('--tz <zone>', 'time zone for moments in messages, e.g. Europe/Madrid (default UTC)');
  withInputOptions(policy.command('check').description('decide: facts JSON in, decision JSON out')).action(
    (flags: CheckFlags) => runCheck(flags, io, 'json'),
  );
  withInputOptions(policy.command('explain').description('decide and explain in words')).action(
    (flags: CheckFlags) => runCheck(flags, io, 'text'),
  );
  policy
    .command('rules')
    .description('print the timeline of Messenger rules with their sources')
    .option('--lang <es|en>', 'language')
    .option('--at <date>', 'show the rule set in force at this day')
    .option('--json', 'machine-readable output')
    .action((flags: { lang?: string; at?: string; json?: boolean }) => {
      const lang = langOf(flags.lang, io);
      if (lang === null) {
        io.err(`--lang: expected es or en / se esperaba es o en (got "${flags.lang}")`);
        return io.setExitCode(2);
      }
      const code = printRules({ lang, at: flags.at, json: flags.json === true }, io.out, io.err);
      io.setExitCode(code);
    });
}
