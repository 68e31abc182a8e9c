/**
 * The OpenAPI document of the REST API, built from the routes the running app really registers.
 *
 * Routes keep parsing and validating their input themselves (their errors are `{ error: { code, message } }`
 * in es/en). The documentation is attached ONLY in @fastify/swagger's `transform` hook, so Fastify never
 * sees a `schema` on these routes: no validator, no serializer, no behaviour change. The shapes come from
 * the areas' own zod schemas where they exist (api-docs.ts), converted with `z.toJSONSchema`.
 * `GET /openapi.json` serves the document; `npm run gen:api` commits it as docs/openapi.json.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { fastifySwagger } from '@fastify/swagger';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import { API_DOCS, type RouteDoc } from './api-docs.ts';

export const OPENAPI_PATH = '/openapi.json';

/** Routes that are internal plumbing, never part of the public contract. */
const HIDDEN = new Set(['GET /__bench/stats', `GET ${OPENAPI_PATH}`, 'HEAD /__bench/stats']);

const errorEnvelope = {
  type: 'object',
  description: 'Every error of the API / Todo error de la API (message in the request language: es|en)',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      additionalProperties: true,
    },
  },
} as const;

const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad input (the message names the field)',
  401: 'Not authenticated',
  403: 'Not allowed for this role, or missing/invalid CSRF token',
  404: 'Not found in this workspace',
  409: 'Conflict with the current state',
  422: 'Refused by the compliance pipeline or a business rule',
  429: 'Too many attempts',
  503: 'A dependency is not ready',
};

type JsonSchema = Record<string, unknown>;

/** A zod schema (or an already-JSON schema) as OpenAPI 3.0 JSON Schema. */
export function jsonSchemaOf(schema: z.ZodType | JsonSchema, io: 'input' | 'output'): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const out = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** `GET /api/v1/contacts/:id/timeline` → `getContactsByIdTimeline` (stable, derived from the route). */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, '/')
    .split(/[/.\-_]/)
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split('-'));
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  return method.toLowerCase() + words.map(cap).join('');
}

function paramsOf(url: string): JsonSchema | undefined {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  if (names.length === 0) return undefined;
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
  };
}

const langQuery = {
  type: 'string',
  enum: ['es', 'en'],
  description: 'Language of messages (else Accept-Language, else English)',
};

/** The Fastify-swagger `schema` of one route, from its documentation entry. */
export function documentRoute(method: string, url: string, doc: RouteDoc): JsonSchema {
  const isApi = url.startsWith('/api/v1/');
  const status = doc.status ?? 200;
  const success: JsonSchema = doc.produces
    ? {
        description: doc.responseText ?? 'OK',
        content: {
          [doc.produces]: {
            schema: doc.response ? jsonSchemaOf(doc.response, 'output') : { type: 'string' },
          },
        },
      }
    : status === 204 || !doc.response
      ? { type: 'null', description: doc.responseText ?? 'No content' }
      : { ...jsonSchemaOf(doc.response, 'output'), description: doc.responseText ?? 'OK' };
  const response: JsonSchema = { [status]: success };
  const errors = new Set<number>(doc.errors ?? []);
  if (isApi) {
    if (!doc.open) errors.add(401).add(403);
    if (doc.body || doc.query) errors.add(400);
    if (url.includes(':')) errors.add(404);
  }
  for (const code of [...errors].sort()) {
    response[code] = { ...errorEnvelope, description: ERROR_TEXT[code] ?? 'Error' };
  }
  const query = doc.query ? jsonSchemaOf(doc.query, 'input') : { type: 'object', properties: {} };
  const queryProps = (query.properties ?? {}) as JsonSchema;
  if (isApi && !('lang' in queryProps)) query.properties = { ...queryProps, lang: langQuery };
  const schema: JsonSchema = {
    operationId: doc.operationId ?? operationIdOf(method, url),
    summary: doc.summary,
    tags: [doc.tag ?? tagOf(url)],
    response,
  };
  if (doc.description) schema.description = doc.description;
  const params = paramsOf(url);
  if (params) schema.params = params;
  if (Object.keys((query.properties ?? {}) as JsonSchema).length > 0) schema.querystring = query;
  if (doc.body) schema.body = jsonSchemaOf(doc.body, 'input');
  if (doc.role) schema['x-role'] = doc.role;
  if (doc.open || !isApi) schema.security = [];
  if (doc.undocumented) schema['x-undocumented'] = true;
  return schema;
}

function tagOf(url: string): string {
  if (!url.startsWith('/api/v1/')) return 'public';
  const first = url.slice('/api/v1/'.length).split(/[/.]/)[0] ?? 'api';
  return first;
}

/**
 * The route's documentation. A route nobody described still appears (flagged `x-undocumented`), so the
 * generator and the tests can name it instead of silently leaving it out.
 */
function docFor(method: string, url: string): RouteDoc {
  return API_DOCS[`${method} ${url}`] ?? { summary: 'UNDOCUMENTED', undocumented: true };
}

const INFO_DESCRIPTION = [
  'The REST API of Ventana, a self-hosted Messenger marketing platform with a compliance engine.',
  'Authenticate with `Authorization: Bearer <installation token | API key vk_…>`, or with the',
  '`ventana_session` cookie from POST /api/v1/auth/login plus `x-csrf-token` on every non-GET request',
  '(pick the workspace with `x-workspace-id`). Errors are always `{ error: { code, message } }`,',
  'the message in Spanish or English (`?lang=es|en`, else Accept-Language).',
  'La API REST de Ventana. Los errores son siempre `{ error: { code, message } }` en español o inglés.',
].join('\n');

type Responses = Record<string, unknown>;

/**
 * Every error answer has the same body: the document points at one shared response per status
 * (`#/components/responses/Error400`…) instead of repeating the envelope in every operation.
 */
export function shareErrorResponses(doc: JsonSchema): JsonSchema {
  const shared: Record<string, unknown> = {};
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { responses?: Responses }>>;
  for (const methods of Object.values(paths)) {
    for (const op of Object.values(methods)) {
      for (const status of Object.keys(op.responses ?? {})) {
        if (Number(status) < 400 || !op.responses) continue;
        const name = `Error${status}`;
        shared[name] ??= {
          description: ERROR_TEXT[Number(status)] ?? 'Error',
          content: { 'application/json': { schema: errorEnvelope } },
        };
        op.responses[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  const components = (doc.components ?? {}) as JsonSchema;
  const sorted = Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b)));
  return { ...doc, components: { ...components, responses: sorted } };
}

/** Registers @fastify/swagger (must run before the routes are added) and `GET /openapi.json`. */
export function registerOpenApi<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
): void {
  // Called directly, not through `app.register`: a registered plugin loads only at `ready()`, after the
  // routes, and would miss every route added before it (they are collected by an onRoute hook).
  const options: Parameters<typeof fastifySwagger>[1] = {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Ventana API', version: 'v1', description: INFO_DESCRIPTION },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Installation token (owner of the default workspace) or an API key `vk_…`',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'ventana_session',
            description: 'Session cookie set by POST /api/v1/auth/login; workspace from `x-workspace-id`',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: 'x-csrf-token',
            description: 'The csrfToken of the session, required with the cookie on every non-GET request',
          },
        },
      },
      security: [{ bearer: [] }, { session: [], csrf: [] }],
    },
    transformObject: (document) =>
      shareErrorResponses((document as unknown as { openapiObject: JsonSchema }).openapiObject) as never,
    transform: ({ url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const method = String(methods[0]);
      if (method === 'HEAD' || HIDDEN.has(`${method} ${url}`)) return { schema: { hide: true }, url };
      return { schema: documentRoute(method, url, docFor(method, url)) as never, url };
    },
  };
  fastifySwagger(app as unknown as FastifyInstance, options, (err) => {
    if (err) throw err;
  });
  app.get(OPENAPI_PATH, async () => app.swagger());
}
