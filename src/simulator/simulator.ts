/**
 * Composition of the Messenger Platform simulator: a Fastify app with the fake Graph API and the
 * `/__sim` control routes, the state, the fault injector and the fake people that send webhooks.
 */
import { parse as parseQuery } from 'node:querystring';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerBatchRoute } from './batch-route.ts';
import { FaultInjector } from './faults.ts';
import { errorBody } from './graph-error.ts';
import { registerGraphRoutes } from './graph-routes.ts';
import { FakePeople, type WebhookTransport } from './people.ts';
import { DEFAULT_RULE_DATES, type RuleDates } from './send-rules.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits, SimulatorState } from './state.ts';
import type { PageInput } from './types.ts';

export interface SimulatorOptions {
  /** App secret used to sign webhooks. Default "simulator-app-secret". */
  readonly appSecret?: string;
  /** Id of the app under test (thread owner by default, `debug_token`). Default "100000000000001". */
  readonly appId?: string;
  /** Where fake people POST their webhooks, e.g. "http://127.0.0.1:3000/webhooks/messenger". */
  readonly webhookUrl?: string;
  /** Replaces HTTP for webhooks (e.g. the app's `inject()`). Default: fetch. */
  readonly webhookTransport?: WebhookTransport;
  /** Pages registered at start. */
  readonly pages?: readonly PageInput[];
  /** Clock in epoch ms. Default Date.now. `/__sim/clock` and `clock.advance()` add an offset. */
  readonly now?: () => number;
  /** Random source for probabilistic faults. Default Math.random. */
  readonly random?: () => number;
  /** Recorded requests kept (a ring buffer; counters stay exact). Default 10,000. */
  readonly requestLogCap?: number;
  /** Messages kept per person's inbox. Default 20; 0 keeps none. */
  readonly inboxCap?: number;
  readonly rateLimits?: Partial<RateLimits>;
  /** Dates of rule changes; default Meta's (see `DEFAULT_RULE_DATES`). */
  readonly ruleDates?: Partial<RuleDates>;
  /**
   * After each message the Page sent (also one whose answer a timeout fault lost), send `delivery`
   * then `read` webhooks back. Default false.
   */
  readonly autoDeliver?: boolean | { readonly delayMs: number };
  /**
   * After each message the Page sent (also one whose answer was lost to a timeout fault), send the
   * `message_echoes` webhook Meta sends an app subscribed to that field: `is_echo`, the app's id, the
   * send's `metadata`. Default false.
   */
  readonly echoSends?: boolean;
  /** Escape non-ASCII and "/" in webhook bodies, as Meta does. Default true. */
  readonly escapeUnicode?: boolean;
  /** Tokens accepted by the Marketing Message API besides Page tokens. */
  readonly systemUserTokens?: readonly string[];
  /** Fastify logging. Default false. */
  readonly logger?: boolean;
}

export interface SimulatorClock {
  now(): number;
  /** Moves the simulator clock forward; returns the new time. */
  advance(ms: number): number;
  /** Sets the simulator clock; returns the new time. */
  set(ms: number): number;
}

export interface Simulator {
  readonly app: FastifyInstance;
  readonly state: SimulatorState;
  readonly people: FakePeople;
  readonly faults: FaultInjector;
  readonly clock: SimulatorClock;
  /** Starts listening; resolves to the base URL, e.g. "http://127.0.0.1:4010". */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Creates a simulator.
 * @example
 * const sim = createSimulator({ pages: [{ id: '1', token: 'T' }], webhookUrl: 'http://127.0.0.1:3000/webhooks/messenger' });
 * const url = await sim.listen(0); // VENTANA_GRAPH_URL = url
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const baseNow = options.now ?? Date.now;
  let offset = 0;
  const now = (): number => baseNow() + offset;
  const clock: SimulatorClock = {
    now,
    advance(ms) {
      offset += ms;
      return now();
    },
    set(ms) {
      offset = ms - baseNow();
      return now();
    },
  };

  const state = new SimulatorState({
    requestLogCap: options.requestLogCap ?? 10_000,
    inboxCap: options.inboxCap ?? 20,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
  });
  for (const p of options.pages ?? []) state.addPage(p);
  for (const t of options.systemUserTokens ?? []) state.systemUserTokens.add(t);
  const faults = new FaultInjector(options.random);
  const people = new FakePeople(state, {
    appSecret: options.appSecret ?? 'simulator-app-secret',
    now,
    ...(options.webhookUrl === undefined ? {} : { webhookUrl: options.webhookUrl }),
    ...(options.webhookTransport === undefined ? {} : { transport: options.webhookTransport }),
    ...(options.escapeUnicode === undefined ? {} : { escapeUnicode: options.escapeUnicode }),
  });
  const auto = options.autoDeliver;
  const autoDeliver = auto === true ? { delayMs: 0 } : auto ? auto : null;

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 26 * 1024 * 1024 });
  // The Send API also accepts form-encoded bodies (objects as JSON strings).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseQuery(body as string));
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? 400 : 500;
    state.record(
      {
        seq: state.nextSeq(),
        at: now(),
        method: req.method,
        path: req.url.split('?', 1)[0] ?? req.url,
        query: {},
        body: null,
        endpoint: 'unparsed',
        page: null,
        psid: null,
        outcome: status === 400 ? 'invalid' : 'fault',
        status,
        error: { code: status === 400 ? 100 : 1, message: err.message },
      },
      false,
    );
    // Client errors (unparsable bodies) look like Meta's #100; anything else is a simulator bug.
    const failure =
      status === 400
        ? { status, code: 100, message: `(#100) ${err.message}` }
        : { status, code: 1, message: `An unknown error occurred (${err.message})` };
    return reply.code(status).send(errorBody(failure));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0] ?? req.url;
    state.record(
      {
        seq: state.nextSeq(),
        at: now(),
        method: req.method,
        path,
        query: {},
        body: req.body ?? null,
        endpoint: 'unknown',
        page: null,
        psid: null,
        outcome: 'not_found',
        status: 400,
        error: { code: 2500, message: `Unknown path components: ${path}` },
      },
      false,
    );
    return reply
      .code(400)
      .send(errorBody({ status: 400, code: 2500, message: `Unknown path components: ${path}` }));
  });

  registerGraphRoutes(app, {
    state,
    faults,
    people,
    now,
    dates: { ...DEFAULT_RULE_DATES, ...options.ruleDates },
    appId: options.appId ?? '100000000000001',
    autoDeliver,
    echoSends: options.echoSends ?? false,
  });
  registerBatchRoute(app);
  registerAdminRoutes(app, { state, faults, people, now, clock });

  return {
    app,
    state,
    people,
    faults,
    clock,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const addr = app.server.address();
      const actual = typeof addr === 'object' && addr !== null ? addr.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
    },
    async close() {
      await people.flush();
      await app.close();
    },
  };
}
