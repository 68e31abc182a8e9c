/**
 * Answers shaped exactly as CONTRACTS.md describes, for the endpoints other branches are building.
 * The browser tests serve them (through Playwright's request interception) ONLY while the real
 * server lacks the endpoint, so the pages can be exercised and looked at before the merge.
 * GUARD: once every branch is merged, no request reaches these fixtures.
 */
import type { Page, Route } from 'playwright-core';

const H = 3_600_000;

function contact(
  now: number,
  i: number,
  name: [string, string],
  locale: string,
  hoursAgo: number,
  labels: string[],
) {
  const last = now - hoursAgo * H;
  const state = hoursAgo < 24 ? 'open' : hoursAgo < 24 * 7 ? 'human_agent' : 'closed';
  return {
    id: `c${i}`,
    pageId: '100000000000777',
    psid: `psid-${i}`,
    name: `${name[0]} ${name[1]}`,
    firstName: name[0],
    lastName: name[1],
    locale,
    labels,
    fields: { city: i === 1 ? 'Madrid' : 'CDMX' },
    firstEntryPoint: 'qr-escaparate',
    lastEntryPoint: 'qr-escaparate',
    lastInboundAt: last,
    optedOut: i === 4,
    blocked: false,
    marketingStatus: i === 1 ? 'active' : null,
    window: {
      state,
      closesAt: last + 24 * H,
      humanAgentUntil: last + 7 * 24 * H,
    },
  };
}

export function contractFixtures(now: number) {
  const people = [
    contact(now, 1, ['Lucía', 'García'], 'es_ES', 0.2, ['cliente', 'vip']),
    contact(now, 2, ['Mateo', 'Hernández'], 'es_MX', 22.5, ['cliente']),
    contact(now, 3, ['Emma', 'Smith'], 'en_US', 30, []),
    contact(now, 4, ['João', 'Silva'], 'pt_BR', 200, ['lead']),
  ];
  const day = (d: number) => new Date(now - d * 24 * H).toISOString().slice(0, 10);
  const byDay = Array.from({ length: 14 }, (_, k) => {
    const d = 13 - k;
    return {
      day: day(d),
      inbound: 20 + ((k * 7) % 13),
      sent: 14 + ((k * 5) % 11),
      refused: (k * 3) % 6,
      optIns: k % 4,
      optOuts: k % 3 === 0 ? 1 : 0,
    };
  });
  const conversations = people.map((c, i) => ({
    id: `conv${i + 1}`,
    contact: c,
    status: 'open',
    assignedUserId: null,
    lastMessageAt: c.lastInboundAt,
    unreadCount: i === 0 ? 2 : 0,
    handoffAt: i === 1 ? now - H : null,
    threadOwner: 'app',
  }));
  const decisionFor = (c: (typeof people)[number]) =>
    c.window.state === 'open'
      ? { allowed: true, route: 'standard', rules: 'messenger-2026-09-11', reasons: [], alternatives: [] }
      : c.window.state === 'human_agent'
        ? {
            allowed: true,
            route: 'human_agent',
            rules: 'messenger-2026-09-11',
            reasons: [],
            alternatives: [],
          }
        : {
            allowed: false,
            route: null,
            rules: 'messenger-2026-09-11',
            reasons: [
              {
                code: 'human_agent_window_expired',
                message: 'Un agente humano podía responder hasta hace 32 horas; ese plazo ya pasó.',
              },
            ],
            alternatives: [
              {
                code: 'use_utility_template',
                route: 'utility',
                message: 'Envía una plantilla de utilidad aprobada si es transaccional.',
              },
              {
                code: 'wait_for_inbound',
                message: 'Espera a que la persona vuelva a escribir: eso reabre la ventana 24 horas.',
              },
            ],
          };
  return {
    '/api/v1/analytics/overview': {
      totals: { contacts: 1284, windowsOpen: 87, optIns: 46, optOuts: 9, refused: 213, sent: 5120 },
      byDay,
      byRoute: [
        { route: 'standard', count: 4630 },
        { route: 'human_agent', count: 310 },
        { route: 'utility', count: 150 },
        { route: 'marketing_message', count: 30 },
      ],
      refusedByReason: [
        { code: 'outside_window', count: 120 },
        { code: 'promotional_content', count: 61 },
        { code: 'contact_opted_out', count: 22 },
        { code: 'marketing_cooldown', count: 10 },
      ],
    },
    '/api/v1/contacts': { items: people, nextCursor: null, total: people.length },
    ...Object.fromEntries(people.map((c) => [`/api/v1/contacts/${c.id}`, c])),
    ...Object.fromEntries(
      people.map((c) => [
        `/api/v1/contacts/${c.id}/timeline`,
        {
          items: [
            { id: 't1', at: now - 30 * H, kind: 'referral', text: 'qr-escaparate' },
            {
              id: 't2',
              at: c.lastInboundAt,
              kind: 'inbound',
              direction: 'in',
              text: 'Hola, ¿tenéis la chaqueta en talla M?',
            },
            {
              id: 't3',
              at: c.lastInboundAt + 60_000,
              kind: 'outbound',
              direction: 'out',
              text: '¡Sí! Te la guardamos.',
              route: 'standard',
              allowed: true,
            },
            {
              id: 't4',
              at: now - 2 * H,
              kind: 'decision',
              allowed: false,
              reasons: [{ code: 'outside_window' }],
            },
          ],
        },
      ]),
    ),
    '/api/v1/conversations': { items: conversations },
    ...Object.fromEntries(
      conversations.map((c) => [
        `/api/v1/conversations/${c.id}/messages`,
        {
          items: [
            {
              id: 'm1',
              at: c.contact.lastInboundAt - 5 * 60_000,
              direction: 'in',
              kind: 'message',
              text: 'Hola, ¿tenéis la chaqueta en talla M?',
            },
            {
              id: 'm2',
              at: c.contact.lastInboundAt - 4 * 60_000,
              direction: 'out',
              kind: 'message',
              text: '¡Hola! Déjame mirarlo.',
              route: 'standard',
            },
            {
              id: 'm3',
              at: c.contact.lastInboundAt - 3 * 60_000,
              direction: 'out',
              kind: 'note',
              text: 'Revisar stock en tienda de Sol.',
            },
            { id: 'm4', at: c.contact.lastInboundAt, direction: 'in', kind: 'message', text: '¿Y en azul?' },
          ],
        },
      ]),
    ),
    ...Object.fromEntries(
      conversations.map((c) => [
        `POST /api/v1/conversations/${c.id}/preview`,
        { decision: decisionFor(c.contact) },
      ]),
    ),
    '/api/v1/canned-replies': {
      items: [{ id: 'cr1', title: 'Horario', text: 'Abrimos de lunes a sábado de 10:00 a 20:00.' }],
    },
    '/api/v1/entry-points': {
      items: [
        {
          id: 'ep1',
          name: 'Cartel del escaparate',
          kind: 'qr',
          pageId: '100000000000777',
          ref: 'qr-escaparate',
          slug: 'escaparate',
          url: 'https://m.me/100000000000777?ref=qr-escaparate',
        },
        {
          id: 'ep2',
          name: 'Bio de Instagram',
          kind: 'm_me',
          pageId: '100000000000777',
          ref: 'bio',
          slug: null,
          url: 'https://m.me/100000000000777?ref=bio',
        },
      ],
    },
    '/api/v1/entry-points/ep1/stats': { byDay: byDay.map((d) => ({ day: d.day, count: d.optIns + 3 })) },
    '/api/v1/entry-points/ep2/stats': { byDay: byDay.map((d) => ({ day: d.day, count: d.optOuts + 1 })) },
    '/api/v1/entry-points/ep1/snippet': {
      html: '<a href="https://m.me/100000000000777?ref=qr-escaparate">Escríbenos</a>',
    },
    '/api/v1/pages': {
      items: [
        {
          id: '100000000000777',
          name: 'Tienda Demo',
          status: 'active',
          statusReason: null,
          permissions: { pages_messaging: true, human_agent: true },
          webhookUrl: 'http://127.0.0.1:3000/webhooks/messenger',
          hasToken: true,
        },
      ],
    },
    '/api/v1/pages/100000000000777/health': {
      token: { valid: true },
      subscribed: true,
      permissions: { pages_messaging: true, human_agent: true },
      status: 'active',
    },
    '/api/v1/pages/100000000000777/messenger-profile': {
      greeting: [{ locale: 'default', text: '¡Hola {{user_first_name}}! Escríbenos lo que necesites.' }],
      getStarted: { payload: 'GET_STARTED' },
      iceBreakers: [{ question: '¿Cuál es vuestro horario?', payload: 'HOURS' }],
      persistentMenu: [{ type: 'web_url', title: 'Tienda', url: 'https://example.com' }],
    },
    '/api/v1/flows': {
      items: [
        {
          id: 'f1',
          name: 'Bienvenida',
          steps: [
            {
              id: 'welcome',
              type: 'message',
              text: 'Hola 👋',
              quickReplies: [{ title: 'Precios', next: 'prices' }],
            },
            { id: 'prices', type: 'message', text: 'Mira nuestros precios.' },
          ],
        },
      ],
    },
    '/api/v1/sequences': {
      items: [
        {
          id: 's1',
          name: 'Seguimiento de leads',
          entryLabel: 'lead',
          steps: [
            {
              delayMinutes: 60,
              intent: 'non_promotional',
              message: { type: 'text', text: '¿Pudiste ver el catálogo?' },
            },
            {
              delayMinutes: 1380,
              intent: 'promotional',
              message: { type: 'text', text: '10% en tu primera compra' },
            },
          ],
          enrolled: 42,
        },
      ],
    },
    '/api/v1/templates': {
      items: [
        {
          id: 't1',
          name: 'pedido_enviado',
          language: 'es',
          category: 'UTILITY',
          status: 'APPROVED',
          body: 'Tu pedido {{1}} ya está en camino.',
        },
        {
          id: 't2',
          name: 'cita_recordatorio',
          language: 'es',
          category: 'UTILITY',
          status: 'PENDING',
          body: 'Te esperamos el {{1}} a las {{2}}.',
        },
      ],
    },
    '/api/v1/members': {
      items: [
        { userId: 'u1', email: 'ana@example.com', name: 'Ana Pérez', role: 'owner' },
        { userId: 'u2', email: 'luis@example.com', name: 'Luis Gómez', role: 'agent' },
      ],
    },
    '/api/v1/invitations': {
      items: [{ id: 'i1', email: 'marta@example.com', role: 'agent', expiresAt: now + 48 * H }],
    },
    '/api/v1/api-keys': {
      items: [{ id: 'k1', name: 'CRM', role: 'admin', createdAt: now - 72 * H, lastUsedAt: now - H }],
    },
    '/api/v1/demo/people': {
      items: people.map((c) => ({
        psid: c.psid,
        firstName: c.firstName,
        lastName: c.lastName,
        locale: c.locale,
      })),
    },
  } as Record<string, unknown>;
}

const QR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/><path d="M0 0h7v7H0zM14 0h7v7h-7zM0 14h7v7H0zM9 9h3v3H9z" fill="#000"/></svg>';

/**
 * Serves the fixtures for every path under one of `missingPrefixes`; other requests reach the server.
 */
export async function serveContractFixtures(
  page: Page,
  missingPrefixes: readonly string[],
  now: number,
): Promise<void> {
  const fixtures = contractFixtures(now);
  await page.route('**/api/v1/**', async (route: Route) => {
    const url = new URL(route.request().url());
    const path = url.pathname;
    if (!missingPrefixes.some((p) => path.startsWith(p))) return route.continue();
    const method = route.request().method();
    if (path.endsWith('/qr.svg'))
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: QR_SVG });
    const key = method === 'GET' ? path : `${method} ${path}`;
    const body = fixtures[key];
    if (body === undefined) {
      return route.fulfill({
        status: method === 'GET' ? 404 : 200,
        contentType: 'application/json',
        body: JSON.stringify(
          method === 'GET' ? { error: { code: 'not_found', message: 'No such route' } } : {},
        ),
      });
    }
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
}

export interface AccountsState {
  needsOwner: boolean;
  signedIn: boolean;
  /** Every request the page made: method, path and the headers the contract cares about. */
  readonly requests: { method: string; path: string; csrf?: string; workspace?: string; auth?: string }[];
  setupBody?: unknown;
}

const CSRF = 'csrf-token-from-login';
const SIGNED_IN = {
  user: { id: 'u1', email: 'ana@example.com', name: 'Ana Pérez', lang: 'es' },
  workspace: { id: 'w1', name: 'Tienda Centro' },
  role: 'owner',
  workspaces: [
    { id: 'w1', name: 'Tienda Centro', role: 'owner' },
    { id: 'w2', name: 'Agencia Norte', role: 'agent' },
  ],
  csrfToken: CSRF,
};

export { CSRF as CONTRACT_CSRF_TOKEN };

/**
 * A whole API as CONTRACTS.md describes it, accounts included (setup, login with a cookie session,
 * `x-workspace-id`, `x-csrf-token`), answered in the browser: the accounts branch is not here yet.
 */
export async function serveAccountsContract(page: Page, state: AccountsState, now: number): Promise<void> {
  const fixtures = contractFixtures(now);
  await page.route('**/api/v1/**', async (route: Route) => {
    const req = route.request();
    const path = new URL(req.url()).pathname;
    const headers = req.headers();
    state.requests.push({
      method: req.method(),
      path,
      ...(headers['x-csrf-token'] ? { csrf: headers['x-csrf-token'] } : {}),
      ...(headers['x-workspace-id'] ? { workspace: headers['x-workspace-id'] } : {}),
      ...(headers.authorization ? { auth: headers.authorization } : {}),
    });
    const json = (status: number, body: unknown) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    const unauthorized = () => json(401, { error: { code: 'unauthorized', message: 'Inicia sesión' } });
    const key = `${req.method()} ${path}`;
    switch (key) {
      case 'GET /api/v1/setup/status':
        return json(200, { needsOwner: state.needsOwner });
      case 'POST /api/v1/setup':
        state.setupBody = req.postDataJSON();
        state.needsOwner = false;
        state.signedIn = true;
        return json(200, SIGNED_IN);
      case 'POST /api/v1/auth/login': {
        const body = req.postDataJSON() as { email?: string; password?: string };
        if (body.email !== 'ana@example.com' || body.password !== 'una contraseña larga')
          return json(401, {
            error: { code: 'invalid_credentials', message: 'Correo o contraseña incorrectos' },
          });
        state.signedIn = true;
        return json(200, SIGNED_IN);
      }
      case 'GET /api/v1/auth/me':
        return state.signedIn ? json(200, SIGNED_IN) : unauthorized();
      case 'POST /api/v1/auth/logout':
        state.signedIn = false;
        return json(200, {});
      default:
        break;
    }
    if (!state.signedIn) return unauthorized();
    if (req.method() !== 'GET' && headers['x-csrf-token'] !== CSRF)
      return json(403, { error: { code: 'csrf', message: 'Falta el token CSRF' } });
    const body = fixtures[req.method() === 'GET' ? path : key];
    if (body === undefined) return json(404, { error: { code: 'not_found', message: 'No such route' } });
    return json(200, body);
  });
}
