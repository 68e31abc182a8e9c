/**
 * Graph batch requests (`POST /` or `POST /vNN.N/` with `batch=[{method, relative_url, body}]`, at
 * most 50): each operation is replayed through this same app (`inject`), so every inner call meets
 * the same validation, rules, faults, per-Page rate limits and recording as a direct call; the
 * answer is Meta's shape, one `{code, headers, body}` per operation in order, or null for an
 * operation that did not complete (here: a timeout fault that dropped its connection).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './graph-error.ts';

const VERSION = /^v\d{1,2}\.\d$/;
const MAX_OPERATIONS = 50;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send(errorBody({ status: 400, code: 100, message: `(#100) ${message}` }));
}

function outerToken(req: FastifyRequest, params: Obj): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const q = req.query as Obj;
  if (typeof q.access_token === 'string') return q.access_token;
  return typeof params.access_token === 'string' ? params.access_token : null;
}

export function registerBatchRoute(app: FastifyInstance): void {
  async function batch(req: FastifyRequest<{ Params: { version?: string } }>, reply: FastifyReply) {
    const version = req.params.version;
    if (version !== undefined && !VERSION.test(version))
      return badRequest(reply, `Unknown path components: /${version}/`);
    const params: Obj = { ...(req.query as Obj), ...(isObj(req.body) ? req.body : {}) };
    let ops: unknown = params.batch;
    if (typeof ops === 'string') {
      try {
        ops = JSON.parse(ops);
      } catch {
        return badRequest(reply, 'The parameter batch must be a JSON array');
      }
    }
    if (!Array.isArray(ops) || ops.length === 0) return badRequest(reply, 'The parameter batch is required');
    if (ops.length > MAX_OPERATIONS)
      return badRequest(reply, `Too many requests in batch message. Maximum batch size is ${MAX_OPERATIONS}`);
    const token = outerToken(req, params);
    const withHeaders = params.include_headers !== false && params.include_headers !== 'false';
    const answers = await Promise.all(
      ops.map(async (op: unknown) => {
        if (!isObj(op) || typeof op.method !== 'string' || typeof op.relative_url !== 'string')
          return {
            code: 400,
            body: JSON.stringify(
              errorBody({
                status: 400,
                code: 100,
                message: '(#100) Each batch operation needs method and relative_url',
              }),
            ),
          };
        const rel = op.relative_url.replace(/^\/+/, '');
        const first = rel.split('/', 1)[0] ?? '';
        const url = `/${VERSION.test(first) ? '' : `${version ?? 'v26.0'}/`}${rel}`;
        const headers: Record<string, string> = {};
        if (token !== null && !/[?&]access_token=/.test(rel)) headers.authorization = `Bearer ${token}`;
        const body = typeof op.body === 'string' ? op.body : undefined;
        if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
        try {
          const res = await app.inject({
            method: op.method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
            url,
            headers,
            ...(body === undefined ? {} : { payload: body }),
          });
          // A dropped connection (timeout fault) leaves nothing to report: Meta answers null.
          if (!res.statusCode || res.body === '') return null;
          return {
            code: res.statusCode,
            ...(withHeaders
              ? {
                  headers: Object.entries(res.headers)
                    .filter(([name]) => name.startsWith('x-') || name === 'content-type')
                    .map(([name, value]) => ({ name, value: String(value) })),
                }
              : {}),
            body: res.body,
          };
        } catch {
          return null;
        }
      }),
    );
    return reply.code(200).send(answers);
  }
  app.post('/', batch);
  app.post<{ Params: { version: string } }>('/:version/', batch);
}
