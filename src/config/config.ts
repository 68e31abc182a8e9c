/**
 * Configuration, parsed once at the composition root (CONVENTIONS 10) from the environment and an
 * optional KEY=VALUE file. A missing or bad value yields a problem naming the variable; nothing
 * below the entry points reads process.env.
 */
import { parseSecretKey } from '../lib/crypto.ts';

export interface Config {
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** Which queue engine runs jobs: the embedded SQL-table queue or BullMQ (Redis or PostgreSQL backend). */
  readonly queue:
    | { readonly engine: 'embedded' }
    | {
        readonly engine: 'bullmq';
        readonly redisUrl: string | null;
        readonly postgresUrl: string | null;
        readonly prefix: string | null;
      };
  readonly graphUrl: string;
  readonly graphVersion: string;
  /**
   * `VENTANA_GRAPH_BATCH_SENDS`: Send API calls per Graph batch request (2–50), 0 (default) for one
   * request per message. Meta documents batch requests for the Graph API, not specifically for the
   * Send API: see docs/benchmarks.md before turning it on.
   */
  readonly graphBatchSends: number;
  /** null in demo mode until generated. */
  readonly appSecret: string | null;
  readonly verifyToken: string | null;
  /** Bearer token for the REST API; generated and kept in the data folder when not given. */
  readonly apiToken: string | null;
  /** 32-byte key for AES-256-GCM at rest; null until generated in demo mode. */
  readonly secretKey: Buffer | null;
  readonly port: number;
  readonly host: string;
  /**
   * `VENTANA_PUBLIC_URL`: the address people reach this Ventana at (tracked links
   * `${publicUrl}/r/<code>`), without a trailing slash. Null: the server's own address
   * (see {@link publicUrlOf}); set it in production, where people cannot reach 127.0.0.1.
   */
  readonly publicUrl: string | null;
  /** A Page given through the environment (optional; Pages can also be connected later). */
  readonly page: { readonly id: string; readonly accessToken: string; readonly name: string | null } | null;
  readonly webhookBodyLimit: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly lang: 'es' | 'en';
  /**
   * `VENTANA_HEAP_GROWING_PERCENT`: how far the JavaScript heap may grow past its live data before
   * a full collection (default 100; 0 leaves V8's own choice, up to 300). See src/app/heap.ts.
   */
  readonly heapGrowingPercent: number;
}

export type ConfigProblemCode =
  | 'not_a_port'
  | 'not_a_url'
  | 'not_a_graph_version'
  | 'not_a_batch_size'
  | 'bad_secret_key'
  | 'page_incomplete'
  | 'not_a_size'
  | 'not_a_log_level'
  | 'queue_needs_backend'
  | 'not_a_queue_engine'
  | 'not_a_percent'
  | 'too_short';

export interface ConfigProblem {
  readonly variable: string;
  readonly code: ConfigProblemCode;
  readonly value?: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: readonly ConfigProblem[] };

/** See src/app/heap.ts: 2x the live heap, measured to cost nothing in speed. */
export const DEFAULT_HEAP_GROWING_PERCENT = 100;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Parses configuration from an environment-like record.
 * @example parseConfig({ PORT: '3000', VENTANA_DATABASE_URL: 'postgres://localhost/ventana' })
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const problems: ConfigProblem[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const dataDir = get('VENTANA_DATA_DIR') ?? './data';
  const databaseUrl = get('VENTANA_DATABASE_URL') ?? `sqlite:${dataDir}/ventana.db`;
  if (/^[a-z]+:\/\//i.test(databaseUrl) && !isUrl(databaseUrl, ['postgres:', 'postgresql:'])) {
    problems.push({
      variable: 'VENTANA_DATABASE_URL',
      code: 'not_a_url',
      value: databaseUrl.replace(/\/\/[^@]*@/, '//***@'),
    });
  }

  const port = Number(get('PORT') ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push({ variable: 'PORT', code: 'not_a_port', value: get('PORT') });

  const graphUrl = (get('VENTANA_GRAPH_URL') ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  if (!isUrl(graphUrl, ['http:', 'https:']))
    problems.push({ variable: 'VENTANA_GRAPH_URL', code: 'not_a_url', value: graphUrl });
  const graphVersion = get('VENTANA_GRAPH_VERSION') ?? 'v26.0';
  if (!/^v\d{1,2}\.\d$/.test(graphVersion))
    problems.push({ variable: 'VENTANA_GRAPH_VERSION', code: 'not_a_graph_version', value: graphVersion });
  const batchText = get('VENTANA_GRAPH_BATCH_SENDS') ?? '0';
  const graphBatchSends = Number(batchText);
  if (!/^\d+$/.test(batchText) || graphBatchSends === 1 || graphBatchSends > 50)
    problems.push({ variable: 'VENTANA_GRAPH_BATCH_SENDS', code: 'not_a_batch_size', value: batchText });

  let secretKey: Buffer | null = null;
  const rawKey = get('VENTANA_SECRET_KEY');
  if (rawKey !== undefined) {
    const parsed = parseSecretKey(rawKey);
    if (parsed.ok) secretKey = parsed.key;
    else problems.push({ variable: 'VENTANA_SECRET_KEY', code: 'bad_secret_key' });
  }
  const appSecret = get('VENTANA_APP_SECRET') ?? null;
  if (appSecret !== null && appSecret.length < 8)
    problems.push({ variable: 'VENTANA_APP_SECRET', code: 'too_short' });
  const verifyToken = get('VENTANA_VERIFY_TOKEN') ?? null;
  const apiToken = get('VENTANA_API_TOKEN') ?? null;
  if (apiToken !== null && apiToken.length < 16)
    problems.push({ variable: 'VENTANA_API_TOKEN', code: 'too_short' });

  const pageId = get('VENTANA_PAGE_ID');
  const pageToken = get('VENTANA_PAGE_ACCESS_TOKEN');
  if ((pageId === undefined) !== (pageToken === undefined)) {
    problems.push({
      variable: pageId === undefined ? 'VENTANA_PAGE_ID' : 'VENTANA_PAGE_ACCESS_TOKEN',
      code: 'page_incomplete',
    });
  }
  const page =
    pageId !== undefined && pageToken !== undefined
      ? { id: pageId, accessToken: pageToken, name: get('VENTANA_PAGE_NAME') ?? null }
      : null;

  const limitText = get('VENTANA_WEBHOOK_BODY_LIMIT') ?? '1048576';
  const webhookBodyLimit = Number(limitText);
  if (!Number.isInteger(webhookBodyLimit) || webhookBodyLimit < 1024)
    problems.push({ variable: 'VENTANA_WEBHOOK_BODY_LIMIT', code: 'not_a_size', value: limitText });

  const logLevel = (get('VENTANA_LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    problems.push({ variable: 'VENTANA_LOG_LEVEL', code: 'not_a_log_level', value: logLevel });

  const engine = get('VENTANA_QUEUE') ?? (get('VENTANA_REDIS_URL') ? 'bullmq' : 'embedded');
  let queue: Config['queue'] = { engine: 'embedded' };
  if (engine === 'bullmq') {
    const redisUrl = get('VENTANA_REDIS_URL') ?? null;
    const postgresUrl = get('VENTANA_QUEUE_POSTGRES_URL') ?? null;
    if (redisUrl !== null && !isUrl(redisUrl, ['redis:', 'rediss:']))
      problems.push({ variable: 'VENTANA_REDIS_URL', code: 'not_a_url', value: redisUrl });
    if (redisUrl === null && postgresUrl === null)
      problems.push({ variable: 'VENTANA_QUEUE', code: 'queue_needs_backend' });
    // Several installations may share one Redis: a prefix keeps their queues apart.
    queue = { engine: 'bullmq', redisUrl, postgresUrl, prefix: get('VENTANA_QUEUE_PREFIX') ?? null };
  } else if (engine !== 'embedded') {
    problems.push({ variable: 'VENTANA_QUEUE', code: 'not_a_queue_engine', value: engine });
  }

  const publicText = get('VENTANA_PUBLIC_URL');
  const publicUrl = publicText === undefined ? null : publicText.replace(/\/+$/, '');
  if (publicUrl !== null && (!isUrl(publicUrl, ['http:', 'https:']) || /[?#]/.test(publicUrl)))
    problems.push({ variable: 'VENTANA_PUBLIC_URL', code: 'not_a_url', value: publicText });

  const heapText = get('VENTANA_HEAP_GROWING_PERCENT') ?? String(DEFAULT_HEAP_GROWING_PERCENT);
  const heapGrowingPercent = /^\d{1,4}$/.test(heapText) ? Number(heapText) : Number.NaN;
  if (!(heapGrowingPercent === 0 || (heapGrowingPercent >= 10 && heapGrowingPercent <= 300)))
    problems.push({ variable: 'VENTANA_HEAP_GROWING_PERCENT', code: 'not_a_percent', value: heapText });

  const langText = (get('VENTANA_LANG') ?? get('LANG') ?? '').toLowerCase();
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: Object.freeze({
      databaseUrl,
      dataDir,
      queue,
      graphUrl,
      graphVersion,
      graphBatchSends,
      appSecret,
      verifyToken,
      apiToken,
      secretKey,
      port,
      host: get('HOST') ?? '127.0.0.1',
      publicUrl,
      page,
      webhookBodyLimit,
      logLevel,
      lang: langText.startsWith('es') ? 'es' : 'en',
      heapGrowingPercent,
    }),
  };
}

/**
 * The public base URL: `VENTANA_PUBLIC_URL`, else the server's own address (`listeningUrl` once it
 * listens, else `http://HOST:PORT`, with a wildcard host read as 127.0.0.1).
 */
export function publicUrlOf(
  config: Pick<Config, 'publicUrl' | 'host' | 'port'>,
  listeningUrl?: string,
): string {
  if (config.publicUrl !== null) return config.publicUrl;
  if (listeningUrl !== undefined) return listeningUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

const MESSAGES: Record<'es' | 'en', Record<ConfigProblemCode, string>> = {
  en: {
    not_a_port: 'must be a port number from 0 to 65535',
    not_a_url: 'is not a valid URL for this setting',
    not_a_graph_version: 'must look like v26.0',
    not_a_batch_size: 'must be 0 (no batching) or a number of calls per batch from 2 to 50',
    bad_secret_key:
      'must be 32 bytes given as 64 hexadecimal characters or base64 (generate one with `openssl rand -hex 32`)',
    page_incomplete: 'is missing: VENTANA_PAGE_ID and VENTANA_PAGE_ACCESS_TOKEN go together',
    not_a_size: 'must be a number of bytes, at least 1024',
    not_a_log_level: `must be one of ${LOG_LEVELS.join(', ')}`,
    queue_needs_backend: 'bullmq needs VENTANA_REDIS_URL or VENTANA_QUEUE_POSTGRES_URL',
    not_a_queue_engine: 'must be embedded or bullmq',
    not_a_percent: "must be 0 (V8's own choice) or a percentage from 10 to 300",
    too_short: 'is too short (VENTANA_APP_SECRET: at least 8 characters, VENTANA_API_TOKEN: 16)',
  },
  es: {
    not_a_port: 'debe ser un número de puerto entre 0 y 65535',
    not_a_url: 'no es una URL válida para este ajuste',
    not_a_graph_version: 'debe tener la forma v26.0',
    not_a_batch_size: 'debe ser 0 (sin lotes) o un número de llamadas por lote entre 2 y 50',
    bad_secret_key:
      'debe tener 32 bytes en 64 caracteres hexadecimales o base64 (genera una con `openssl rand -hex 32`)',
    page_incomplete: 'falta: VENTANA_PAGE_ID y VENTANA_PAGE_ACCESS_TOKEN van juntas',
    not_a_size: 'debe ser un número de bytes, al menos 1024',
    not_a_log_level: `debe ser uno de ${LOG_LEVELS.join(', ')}`,
    queue_needs_backend: 'bullmq necesita VENTANA_REDIS_URL o VENTANA_QUEUE_POSTGRES_URL',
    not_a_queue_engine: 'debe ser embedded o bullmq',
    not_a_percent: 'debe ser 0 (lo que elija V8) o un porcentaje entre 10 y 300',
    too_short: 'es demasiado corto (VENTANA_APP_SECRET: al menos 8 caracteres, VENTANA_API_TOKEN: 16)',
  },
};

/** "PORT must be a port number from 0 to 65535 (got "abc")", in the reader's language. */
export function configProblemText(problem: ConfigProblem, lang: 'es' | 'en'): string {
  const got =
    problem.value !== undefined
      ? lang === 'es'
        ? ` (valor: "${problem.value}")`
        : ` (got "${problem.value}")`
      : '';
  return `${problem.variable} ${MESSAGES[lang][problem.code]}${got}`;
}
