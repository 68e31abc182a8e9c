import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateApiFiles, operationsOf, staleFiles } from '../../scripts/gen-api.ts';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { API_CLI_TEXT } from '../../src/cli/api-commands.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { createApiClient, type FetchLike } from '../../src/client/index.ts';
import { parseConfig } from '../../src/config/config.ts';
import { API_DOCS } from '../../src/server/api-docs.ts';
import { contacts, pages } from '../../src/storage/index.ts';

const PROMO = {
  name: 'Rebajas',
  intent: 'promotional',
  content: { message: { type: 'text', text: 'Hola {{first_name|amigo}}, 2x1 solo hoy' } },
} as const;

let runtime: Runtime;
let dir: string;
let document: { paths: Record<string, Record<string, { operationId: string; 'x-undocumented'?: boolean }>> };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ventana-client-'));
  const parsed = parseConfig({
    VENTANA_DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    VENTANA_LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config, { demo: false, workers: false });
  document = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as typeof document;
});

afterAll(async () => {
  await runtime?.close();
});

describe('the OpenAPI document', () => {
  it('is committed exactly as the generator makes it from the routes (CI fails when stale)', async () => {
    const files = await generateApiFiles();
    expect(files.map((f) => f.path)).toEqual(['docs/openapi.json', 'src/client/operations.ts']);
    expect(staleFiles(files)).toEqual([]);
    // …and the check does notice a difference.
    expect(staleFiles([{ path: 'docs/openapi.json', content: '{}\n' }])).toEqual(['docs/openapi.json']);
  });

  it('describes every /api/v1/ route written in src/server, and no route is left undocumented', () => {
    const documented = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const undocumented = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op['x-undocumented'])
        .map(([m]) => `${m} ${path}`),
    );
    expect(undocumented).toEqual([]);
    // Independent of the app: every route literal in the route files (`${action}` matches one segment).
    const serverDir = join(import.meta.dirname, '../../src/server');
    const literal = /app\.(get|post|put|patch|delete)(?:<[^(]*?>)?\(\s*['`](\/api\/v1\/[^'`]+)['`]/gs;
    let found = 0;
    for (const file of readdirSync(serverDir).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(join(serverDir, file), 'utf8').matchAll(literal)) {
        found++;
        const path = (m[2] as string).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        const pattern = new RegExp(
          `^${(m[1] as string).toUpperCase()} ${path.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\\\{[^}]+\}|\$\{[^}]+\}/g, '[^/]+')}$`,
        );
        expect(
          documented.some((d) => pattern.test(d)),
          `${file}: ${m[1]} ${m[2]}`,
        ).toBe(true);
      }
    }
    expect(found).toBeGreaterThan(90);
    // The public routes too.
    for (const r of [
      'GET /webhooks/messenger',
      'POST /webhooks/messenger',
      'GET /r/{code}',
      'GET /l/{slug}',
      'GET /health',
    ])
      expect(documented).toContain(r);
  });

  it('takes request bodies from the areas’ own zod schemas and declares both ways to authenticate', () => {
    const doc = document as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
            security?: unknown[];
          }
        >
      >;
      components: { securitySchemes: Record<string, unknown> };
      security: unknown[];
    };
    const body = doc.paths['/api/v1/broadcasts']?.post?.requestBody?.content['application/json']?.schema;
    expect(body?.required).toEqual(expect.arrayContaining(['name', 'content', 'intent']));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'csrf', 'session']);
    expect(doc.security).toEqual([{ bearer: [] }, { session: [], csrf: [] }]);
    expect(doc.paths['/api/v1/auth/login']?.post?.security).toEqual([]);
  });
});

describe('the typed client against a running Ventana', () => {
  it('creates and reads a broadcast with the installation token', async () => {
    const api = createApiClient({ baseUrl: runtime.url, token: runtime.secrets.apiToken, lang: 'en' });
    const created = await api.call('postBroadcasts', { body: PROMO });
    // The message shows the network error's text when the call fails before any answer.
    expect(created, JSON.stringify(created)).toMatchObject({ ok: true, status: 201 });
    if (!created.ok) return;
    const id = created.data.id;
    expect(created.data.status).toBe('draft');
    const read = await api.call('getBroadcastsById', { params: { id } });
    expect(read).toMatchObject({ ok: true, status: 200, data: { id, name: 'Rebajas' } });
    const list = await api.call('getBroadcasts');
    expect(list.ok && list.data.items.map((b) => b.id)).toContain(id);
  });

  it('answers API errors as values, in Spanish when asked', async () => {
    const api = createApiClient({ baseUrl: runtime.url, token: runtime.secrets.apiToken, lang: 'es' });
    const missing = await api.call('getBroadcastsById', { params: { id: 'nope' } });
    expect(missing).toEqual({
      ok: false,
      status: 404,
      error: { code: 'broadcast_not_found', message: 'no existe la difusión nope' },
    });
    const bad = await api.call('postBroadcasts', { body: { ...PROMO, name: '' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.status).toBe(400);
    expect(bad.error.message).toContain('name');
    const anonymous = await createApiClient({ baseUrl: runtime.url, lang: 'es' }).call('getBroadcasts');
    expect(anonymous).toMatchObject({ ok: false, status: 401 });
  });

  it('reports an unreachable server as a network_error value instead of throwing', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:9', lang: 'es' });
    const r = await api.call('getSetupStatus');
    expect(r).toMatchObject({ ok: false, status: 0, error: { code: 'network_error' } });
    if (!r.ok) expect(r.error.message).toContain('No se pudo contactar con el servidor');
  });

  it('serves open operations without a token (setup status)', async () => {
    const r = await createApiClient({ baseUrl: runtime.url }).call('getSetupStatus');
    expect(r).toEqual({ ok: true, status: 200, data: { needsOwner: true } });
  });
});

async function cli(argv: string[], env: Record<string, string>, lang: 'es' | 'en' = 'en') {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const io = {
    stdin: Readable.from([]),
    out: (s: string) => out.push(s),
    err: (s: string) => err.push(s),
    defaultLang: lang,
    setExitCode: (c: number) => {
      code = c;
    },
  };
  await buildProgram(io, { env, untilStopped: async () => {} }).parseAsync(['node', 'ventana', ...argv]);
  return { out: out.join('\n'), err: err.join('\n'), code };
}

describe('ventana api (the CLI on the typed client)', () => {
  it('calls an operation with the token of the data directory and prints the JSON answer', async () => {
    const env = { VENTANA_DATA_DIR: dir, VENTANA_URL: runtime.url };
    const r = await cli(
      ['api', 'call', 'postBroadcasts', '--body', JSON.stringify({ ...PROMO, name: 'Desde la CLI' })],
      env,
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    const id = JSON.parse(r.out).id as string;
    const shown = await cli(['api', 'call', 'getBroadcastsById', '--param', `id=${id}`], env);
    expect(JSON.parse(shown.out)).toMatchObject({ id, name: 'Desde la CLI' });
  });

  it('prints the API error in Spanish and exits 1; a bad operation exits 2', async () => {
    const env = { VENTANA_DATA_DIR: dir, VENTANA_URL: runtime.url };
    const r = await cli(['api', 'call', 'getBroadcastsById', '--param', 'id=nope', '--lang', 'es'], env);
    expect(r).toMatchObject({ code: 1, err: 'broadcast_not_found: no existe la difusión nope' });
    const unknown = await cli(['api', 'call', 'getNothing'], env, 'es');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('No existe la operación «getNothing»');
    const list = await cli(['api', 'operations'], env);
    expect(list.out.split('\n')).toContain('getContacts\tGET /api/v1/contacts');
  });

  it('has every sentence in Spanish and English', () => {
    for (const text of Object.values(API_CLI_TEXT)) {
      expect(text('es', 'x')).not.toEqual(text('en', 'x'));
      expect(text('es', 'x').length).toBeGreaterThan(5);
    }
  });
});

/** Parses a real answer with the zod schema the document was generated from (throws on a mismatch). */
function conforms(route: string, data: unknown): void {
  const schema = API_DOCS[route]?.response;
  if (!(schema instanceof z.ZodType)) throw new Error(`${route} has no zod response schema`);
  const r = schema.safeParse(data);
  expect(r.success, `${route}: ${r.error?.message}`).toBe(true);
}

describe('documented answers', () => {
  it('match what the routes really send (broadcast, entry point, flow, sequence, contacts, overview)', async () => {
    const api = createApiClient({ baseUrl: runtime.url, token: runtime.secrets.apiToken });
    await pages.upsertPage(runtime.database, runtime.secrets.secretKey, {
      id: 'page-doc',
      workspaceId: 'default',
      name: 'Café Lola',
      now: Date.now(),
    });
    const b = await api.call('postBroadcasts', { body: { ...PROMO, name: 'Documentada' } });
    conforms('POST /api/v1/broadcasts', b.ok && b.data);
    const ep = await api.call('postEntryPoints', {
      body: {
        pageId: 'page-doc',
        kind: 'link',
        name: 'QR del mostrador',
        ref: 'qr_mostrador',
        slug: 'mostrador',
      },
    });
    expect(ep).toMatchObject({ ok: true, status: 201 });
    conforms('POST /api/v1/entry-points', ep.ok && ep.data);
    const eps = await api.call('getEntryPoints');
    conforms('GET /api/v1/entry-points', eps.ok && eps.data);
    const flow = await api.call('postFlows', {
      body: {
        name: 'Talla',
        triggers: [{ type: 'keyword', match: 'contains', value: 'talla' }],
        steps: [{ id: 'gracias', type: 'send', message: { type: 'text', text: 'Gracias' } }],
      },
    });
    expect(flow).toMatchObject({ ok: true, status: 201 });
    conforms('POST /api/v1/flows', flow.ok && flow.data);
    const seq = await api.call('postSequences', {
      body: {
        name: 'Bienvenida',
        steps: [
          {
            id: 'hola',
            delay: { amount: 0, unit: 'minutes' },
            content: { message: { type: 'text', text: 'Hola {{first_name|amigo}}' } },
            intent: 'non_promotional',
          },
        ],
      },
    });
    expect(seq).toMatchObject({ ok: true, status: 201 });
    conforms('POST /api/v1/sequences', seq.ok && seq.data);
    const renamed = await api.call('patchSequencesById', {
      params: { id: seq.ok ? seq.data.id : '' },
      body: { name: 'Hola' },
    });
    expect(renamed).toMatchObject({ ok: true, data: { name: 'Hola', steps: [{ id: 'hola' }] } });
    const contacts = await api.call('getContacts', { query: { limit: '5' } });
    conforms('GET /api/v1/contacts', contacts.ok && contacts.data);
    const overview = await api.call('getAnalyticsOverview');
    conforms('GET /api/v1/analytics/overview', overview.ok && overview.data);
    const pageList = await api.call('getPages');
    conforms('GET /api/v1/pages', pageList.ok && pageList.data);
  });
});

describe('answers the dashboard reads through the document', () => {
  it("match the routes: a broadcast's schedule, a contact's window with canDo, publishing and archiving a flow", async () => {
    const api = createApiClient({ baseUrl: runtime.url, token: runtime.secrets.apiToken, lang: 'es' });
    await pages.upsertPage(runtime.database, runtime.secrets.secretKey, {
      id: 'page-dash',
      workspaceId: 'default',
      name: 'Café Lola',
      now: Date.now(),
    });
    const local = await api.call('postBroadcasts', {
      body: { ...PROMO, name: 'A las 9', schedule: { at: '2031-12-24T09:00', localTime: true } },
    });
    conforms('POST /api/v1/broadcasts', local.ok && local.data);
    // A wall clock without offset: the dashboard shows it as written, in each person's zone.
    expect(local.ok && local.data.schedule).toMatchObject({ at: '2031-12-24T09:00', localTime: true });
    const shown = await api.call('getBroadcastsById', { params: { id: local.ok ? local.data.id : '' } });
    conforms('GET /api/v1/broadcasts/:id', shown.ok && shown.data);

    const now = Date.now();
    await contacts.recordInbound(runtime.database, {
      pageId: 'page-dash',
      psid: 'psid-dash',
      at: now,
      kind: 'message',
      opensWindow: true,
    });
    const list = await api.call('getContacts', { query: { pageId: 'page-dash' } });
    conforms('GET /api/v1/contacts', list.ok && list.data);
    const person = list.ok ? list.data.items[0] : undefined;
    expect(person?.window.state).toBe('open');
    expect(person?.window.canDo.length).toBeGreaterThan(0);
    expect(person?.window.canDo[0]?.message).toMatch(/\w/);
    const one = await api.call('getContactsById', { params: { id: person?.id ?? '' } });
    conforms('GET /api/v1/contacts/:id', one.ok && one.data);

    const flow = await api.call('postFlows', {
      body: {
        name: 'Horario',
        triggers: [{ type: 'keyword', match: 'contains', value: 'horario' }],
        steps: [{ id: 'horas', type: 'send', message: { type: 'text', text: 'De 9 a 18 h' } }],
      },
    });
    const params = { id: flow.ok ? flow.data.id : '' };
    const published = await api.call('postFlowsByIdPublish', { params });
    conforms('POST /api/v1/flows/:id/publish', published.ok && published.data);
    expect(published.ok && published.data.version).toBe(1);
    const archived = await api.call('postFlowsByIdArchive', { params });
    conforms('POST /api/v1/flows/:id/archive', archived.ok && archived.data);
    expect(archived.ok && archived.data.stoppedRuns).toBe(0);
  });
});

describe('operations in the document', () => {
  it('have unique operation ids', () => {
    const ids = operationsOf(document as never).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the typed client with a cookie session (how the dashboard calls)', () => {
  it('sends x-csrf-token on changes once it knows it, and without it the change is refused in Spanish', async () => {
    // A browser keeps the cookie; here a small fetch wrapper does.
    let cookie = '';
    const withCookies: FetchLike = async (url, init) => {
      const res = await fetch(url, { ...init, headers: { ...init.headers, ...(cookie ? { cookie } : {}) } });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0] as string;
      return res;
    };
    let csrfToken: string | undefined;
    const api = createApiClient({
      baseUrl: runtime.url,
      lang: 'es',
      fetch: withCookies,
      current: () => ({ csrfToken }),
    });
    const owner = await api.call('postSetup', {
      body: {
        token: runtime.setupToken!,
        email: 'lola@example.com',
        password: 'una clave muy larga 42',
        name: 'Lola',
      },
    });
    expect(owner).toMatchObject({ ok: true, status: 201 });
    expect(cookie).toMatch(/^ventana_session=/);
    const me = await api.call('getAuthMe');
    expect(me).toMatchObject({ ok: true, data: { user: { email: 'lola@example.com' }, role: 'owner' } });

    const refused = await api.call('postBroadcasts', { body: { ...PROMO, name: 'Sin CSRF' } });
    expect(refused).toEqual({
      ok: false,
      status: 403,
      error: { code: 'csrf_invalid', message: 'Falta la cabecera x-csrf-token o no corresponde a tu sesión' },
    });
    csrfToken = owner.ok ? owner.data.csrfToken : undefined;
    const made = await api.call('postBroadcasts', { body: { ...PROMO, name: 'Con CSRF' } });
    expect(made).toMatchObject({ ok: true, status: 201, data: { name: 'Con CSRF' } });
  });
});
