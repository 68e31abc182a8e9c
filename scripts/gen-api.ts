/**
 * `npm run gen:api`: writes docs/openapi.json (from the real app's routes) and the typed client's
 * operation types src/client/operations.ts (from that document). `npm run gen:api -- --check` writes
 * nothing and fails (exit 1) when the committed files differ from freshly generated ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRuntime } from '../src/app/runtime.ts';
import { parseConfig } from '../src/config/config.ts';
import { OPENAPI_PATH } from '../src/server/openapi.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCUMENT_FILE = 'docs/openapi.json';
export const OPERATIONS_FILE = 'src/client/operations.ts';

type Schema = Record<string, unknown>;
interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** The document the real runtime serves (temporary SQLite, no demo, no workers). */
export async function fetchDocument(): Promise<Schema> {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-openapi-'));
  const parsed = parseConfig({
    VENTANA_DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    VENTANA_LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(`configuration: ${JSON.stringify(parsed.problems)}`);
  const runtime = await startRuntime(parsed.config, { demo: false, workers: false });
  try {
    const res = await fetch(`${runtime.url}${OPENAPI_PATH}`);
    if (res.status !== 200) throw new Error(`${OPENAPI_PATH} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Schema;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Operation = {
  operationId: string;
  parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  'x-undocumented'?: boolean;
};

/** Every operation of the document with its method and path. */
export function operationsOf(doc: Schema): { method: string; path: string; op: Operation }[] {
  const out: { method: string; path: string; op: Operation }[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(methods)) out.push({ method: method.toUpperCase(), path, op });
  }
  return out;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (IDENT.test(name) ? name : JSON.stringify(name));

/** A TypeScript type for an OpenAPI 3.0 schema (the subset zod and this project emit). */
export function tsType(s: Schema | undefined): string {
  if (!s || Object.keys(s).length === 0) return 'unknown';
  const nullable = s.nullable === true ? ' | null' : '';
  if (Array.isArray(s.enum)) return `${s.enum.map((v) => JSON.stringify(v)).join(' | ')}${nullable}`;
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k]))
      return `${(s[k] as Schema[]).map((x) => `(${tsType(x)})`).join(' | ')}${nullable}`;
  }
  if (Array.isArray(s.allOf)) return (s.allOf as Schema[]).map((x) => `(${tsType(x)})`).join(' & ');
  switch (s.type) {
    case 'string':
      return `string${nullable}`;
    case 'number':
    case 'integer':
      return `number${nullable}`;
    case 'boolean':
      return `boolean${nullable}`;
    case 'null':
      return 'null';
    case 'array':
      return `Array<${tsType(s.items as Schema | undefined)}>${nullable}`;
    case 'object':
    case undefined: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      const fields = Object.entries(props).map(([name, p]) => {
        const doc =
          typeof p.description === 'string' ? `\n/** ${p.description.replace(/\*\//g, '* /')} */\n` : '';
        return `${doc}${key(name)}${required.has(name) ? '' : '?'}: ${tsType(p)};`;
      });
      const extra = s.additionalProperties;
      if (extra && typeof extra === 'object') fields.push(`[key: string]: ${tsType(extra as Schema)};`);
      else if (extra !== false && fields.length === 0) return `Record<string, unknown>${nullable}`;
      else if (extra !== false) fields.push('[key: string]: unknown;');
      return `{ ${fields.join('\n')} }${nullable}`;
    }
    default:
      return 'unknown';
  }
}

const SUCCESS = /^2\d\d$/;

function responseOf(op: Operation): {
  status: number;
  type: string;
  kind: 'json' | 'text' | 'binary' | 'none';
} {
  const [status, response] = Object.entries(op.responses).find(([code]) => SUCCESS.test(code)) ??
    Object.entries(op.responses).find(([code]) => code.startsWith('3')) ?? ['200', {}];
  const content = response.content ?? {};
  const [type, media] = Object.entries(content)[0] ?? [];
  if (!type || !media) return { status: Number(status), type: 'undefined', kind: 'none' };
  if (type === 'application/json')
    return { status: Number(status), type: tsType(media.schema), kind: 'json' };
  if (media.schema?.format === 'binary')
    return { status: Number(status), type: 'ArrayBuffer', kind: 'binary' };
  return { status: Number(status), type: 'string', kind: 'text' };
}

function inputOf(op: Operation): string {
  const parts: string[] = [];
  const params = (op.parameters ?? []).filter((p) => p.in === 'path');
  const query = (op.parameters ?? []).filter((p) => p.in === 'query');
  if (params.length > 0) parts.push(`params: { ${params.map((p) => `${key(p.name)}: string;`).join(' ')} };`);
  if (query.length > 0) {
    const fields = query.map((p) => `${key(p.name)}${p.required ? '' : '?'}: ${tsType(p.schema)};`);
    parts.push(`query${query.some((p) => p.required) ? '' : '?'}: { ${fields.join(' ')} };`);
  }
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) parts.push(`body: ${tsType(body)};`);
  return parts.length === 0 ? 'Record<string, never>' : `{ ${parts.join(' ')} }`;
}

/** src/client/operations.ts: one entry per operation (types), plus the method/path table (values). */
export function operationsSource(doc: Schema): string {
  const ops = operationsOf(doc).sort((a, b) => a.op.operationId.localeCompare(b.op.operationId));
  const types = ops.map(({ method, path, op }) => {
    const r = responseOf(op);
    return `  /** ${method} ${path} */\n  ${op.operationId}: { input: ${inputOf(op)}; response: ${r.type}; status: ${r.status} };`;
  });
  const table = ops.map(({ method, path, op }) => {
    const r = responseOf(op);
    return `  ${op.operationId}: { method: '${method}', path: '${path}', response: '${r.kind}' },`;
  });
  return [
    '// Generated by `npm run gen:api` from docs/openapi.json. Do not edit: change the routes or',
    '// src/server/api-docs.ts and run the generator again (CI fails when this file is stale).',
    '',
    '/** Every operation of the Ventana REST API: its input (path params, query, body) and success answer. */',
    'export interface Operations {',
    ...types,
    '}',
    '',
    'export type OperationId = keyof Operations;',
    '',
    "export type ResponseKind = 'json' | 'text' | 'binary' | 'none';",
    '',
    '/** Method, path template and kind of answer of each operation (used by the client at run time). */',
    'export const OPERATIONS: {',
    '  readonly [K in OperationId]: { readonly method: string; readonly path: string; readonly response: ResponseKind };',
    '} = {',
    ...table,
    '};',
    '',
  ].join('\n');
}

function formatTs(path: string, source: string): string {
  return execFileSync(join(ROOT, 'node_modules/.bin/biome'), ['format', `--stdin-file-path=${path}`], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Both generated files, fresh. Throws when a route has no documentation entry. */
export async function generateApiFiles(): Promise<readonly GeneratedFile[]> {
  const doc = await fetchDocument();
  const missing = operationsOf(doc).filter((o) => o.op['x-undocumented']);
  if (missing.length > 0) {
    throw new Error(
      `Routes without documentation / rutas sin documentar (add them to src/server/api-docs.ts):\n${missing
        .map((o) => `  ${o.method} ${o.path}`)
        .join('\n')}`,
    );
  }
  return [
    { path: DOCUMENT_FILE, content: `${JSON.stringify(doc, null, 2)}\n` },
    { path: OPERATIONS_FILE, content: formatTs(OPERATIONS_FILE, operationsSource(doc)) },
  ];
}

/** The generated files whose committed copy differs from a fresh one. */
export function staleFiles(files: readonly GeneratedFile[]): string[] {
  return files
    .filter((f) => {
      try {
        return readFileSync(join(ROOT, f.path), 'utf8') !== f.content;
      } catch {
        return true;
      }
    })
    .map((f) => f.path);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await generateApiFiles();
  if (check) {
    const stale = staleFiles(files);
    if (stale.length === 0) {
      console.log(
        'OpenAPI document and client are up to date / el documento OpenAPI y el cliente están al día',
      );
      return;
    }
    console.error(
      `Stale generated API files / archivos de la API generados desactualizados: ${stale.join(', ')}\n` +
        'Run / ejecuta: npm run gen:api (and commit the result / y confirma el resultado)',
    );
    process.exitCode = 1;
    return;
  }
  for (const f of files) writeFileSync(join(ROOT, f.path), f.content);
  console.log(`Wrote / escrito: ${files.map((f) => f.path).join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
