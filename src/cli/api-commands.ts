/**
 * `ventana api`: any REST operation of a running Ventana, through the typed client (src/client/), the
 * same one the dashboard uses. `ventana api operations` lists them; `ventana api call <operation>`
 * calls one with path parameters, query and a JSON body, prints the answer as JSON, and on an API
 * error prints `code: message` (in the chosen language) and exits 1.
 * Address: --url, else VENTANA_URL, else http://127.0.0.1:$PORT. Token: --token, else
 * VENTANA_API_TOKEN, else the installation token in the data directory (VENTANA_DATA_DIR).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadOrCreateSecrets } from '../app/secrets.ts';
import { createApiClient, type FetchLike, OPERATIONS, type OperationId } from '../client/index.ts';
import { parseConfig } from '../config/config.ts';
import { isLang, type Lang } from '../policy/index.ts';
import type { CliIo } from './policy.ts';
import type { ServerCommandEnv } from './server-commands.ts';

type Text = (lang: Lang, detail: string) => string;

/** Every sentence this command prints, in both languages (a test checks none is missing). */
export const API_CLI_TEXT = {
  unknown_operation: (lang, op) =>
    lang === 'es'
      ? `No existe la operación «${op}» (lista: ventana api operations)`
      : `There is no operation "${op}" (list: ventana api operations)`,
  bad_pair: (lang, pair) =>
    lang === 'es' ? `«${pair}» debe tener la forma nombre=valor` : `"${pair}" must look like name=value`,
  bad_body: (lang, detail) =>
    lang === 'es' ? `El cuerpo no es JSON válido: ${detail}` : `The body is not valid JSON: ${detail}`,
  bad_lang: (lang) => (lang === 'es' ? '--lang debe ser es o en' : '--lang must be es or en'),
  no_token: (lang) =>
    lang === 'es'
      ? 'Falta el token: usa --token, VENTANA_API_TOKEN o VENTANA_DATA_DIR del servidor'
      : "No token: use --token, VENTANA_API_TOKEN or the server's VENTANA_DATA_DIR",
} satisfies Record<string, Text>;

const collect = (value: string, previous: string[]) => [...previous, value];

function isOperation(name: string): name is OperationId {
  return Object.hasOwn(OPERATIONS, name);
}

export function registerApiCommands(
  program: Command,
  io: CliIo,
  host: ServerCommandEnv,
  fetchImpl?: FetchLike,
): void {
  const group = program
    .command('api')
    .description('call the REST API of a running Ventana / llama a la API REST de un Ventana en marcha');

  group
    .command('operations')
    .description('list the operations (from docs/openapi.json) / lista las operaciones')
    .action(() => {
      for (const [id, spec] of Object.entries(OPERATIONS)) io.out(`${id}\t${spec.method} ${spec.path}`);
    });

  group
    .command('call <operation>')
    .description('call one operation and print its JSON answer / llama a una operación')
    .option('--param <name=value>', 'a path parameter (repeatable)', collect, [])
    .option('--query <name=value>', 'a query parameter (repeatable)', collect, [])
    .option('--body <json>', "the JSON body; '@file' reads a file")
    .option('--url <url>', 'where Ventana runs (default VENTANA_URL or http://127.0.0.1:$PORT)')
    .option('--token <token>', 'installation token or API key (default VENTANA_API_TOKEN)')
    .option('--lang <es|en>', 'language of messages')
    .action(async (operation: string, flags: Record<string, string | string[] | undefined>) => {
      const langFlag = flags.lang as string | undefined;
      if (langFlag !== undefined && !isLang(langFlag)) {
        io.err(`${API_CLI_TEXT.bad_lang('en')} / ${API_CLI_TEXT.bad_lang('es')}`);
        return io.setExitCode(2);
      }
      const lang: Lang = langFlag ?? io.defaultLang;
      const usage = (text: string) => {
        io.err(text);
        io.setExitCode(2);
      };
      if (!isOperation(operation)) return usage(API_CLI_TEXT.unknown_operation(lang, operation));
      const pairs = (list: string[]) => {
        const out: Record<string, string> = {};
        for (const pair of list) {
          const eq = pair.indexOf('=');
          if (eq <= 0) return { bad: pair };
          out[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        return { value: out };
      };
      const params = pairs(flags.param as string[]);
      if ('bad' in params) return usage(API_CLI_TEXT.bad_pair(lang, params.bad as string));
      const query = pairs(flags.query as string[]);
      if ('bad' in query) return usage(API_CLI_TEXT.bad_pair(lang, query.bad as string));
      let body: unknown;
      const rawBody = flags.body as string | undefined;
      if (rawBody !== undefined) {
        try {
          body = JSON.parse(rawBody.startsWith('@') ? readFileSync(rawBody.slice(1), 'utf8') : rawBody);
        } catch (err) {
          return usage(API_CLI_TEXT.bad_body(lang, err instanceof Error ? err.message : String(err)));
        }
      }

      const env = host.env;
      const parsed = parseConfig(env);
      const port = parsed.ok ? parsed.config.port : 3000;
      let token = (flags.token as string | undefined) ?? env.VENTANA_API_TOKEN;
      if (!token && parsed.ok && existsSync(join(parsed.config.dataDir, 'secrets.json'))) {
        token = loadOrCreateSecrets(parsed.config).apiToken;
      }
      if (!token) return usage(API_CLI_TEXT.no_token(lang));
      const client = createApiClient({
        baseUrl: (flags.url as string | undefined) ?? env.VENTANA_URL ?? `http://127.0.0.1:${port}`,
        token,
        lang,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      const input: Record<string, unknown> = {};
      if (Object.keys(params.value).length > 0) input.params = params.value;
      if (Object.keys(query.value).length > 0) input.query = query.value;
      if (body !== undefined) input.body = body;
      // The operation is chosen at run time: its input was assembled from flags, not from its type.
      const r = await client.call(operation, input as never);
      if (!r.ok) {
        io.err(`${r.error.code}: ${r.error.message}`);
        return io.setExitCode(1);
      }
      if (r.data === undefined) return;
      // Images (QR codes): raw bytes, as `curl -o` would write them.
      if (r.data instanceof ArrayBuffer) return void process.stdout.write(Buffer.from(r.data));
      io.out(typeof r.data === 'string' ? r.data : JSON.stringify(r.data, null, 2));
    });
}
