/**
 * The dashboard in a real browser (the machine's Chromium through playwright-core) against a real
 * Ventana runtime in demo mode on loopback: the first owner is created through the one-time setup
 * link, everyone signs in with email and password (cookie session + CSRF token), and time is moved
 * forward (the runtime's `now` and the simulator's clock) to see the window close. Needs
 * `npm run build:web` first (scripts/test.sh does it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { DEFAULT_WEB_ROOT } from '../../src/server/web-dashboard.ts';

// A browser on a shared 2-core machine: give each flow room.
vi.setConfig({ testTimeout: 90_000 });

const CHROMIUM = process.env.VENTANA_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PROMO_TEXT = 'Hola {{first_name|amigo}}, 2x1 solo hoy en https://tienda.example.com/oferta';
const H = 3_600_000;
const OWNER = { name: 'Ana Pérez', email: 'ana@example.com', password: 'una contraseña larga' };

let runtime: Runtime;
let browser: Browser;
let dir: string;
/** How far the runtime's clock (and the simulator's) runs ahead of the real one. */
let offset = 0;

/** Moves Ventana's time (and the simulator's) forward by `ms`. */
function advance(ms: number): void {
  offset += ms;
  runtime.demo!.simulator.clock.set(Date.now() + offset);
}

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${runtime.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${runtime.secrets.apiToken}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: body as T };
}

async function newContext(lang: 'es' | 'en', mobile = false): Promise<BrowserContext> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: mobile ? { width: 390, height: 844 } : { width: 1366, height: 900 },
    locale: lang === 'es' ? 'es-ES' : 'en-US',
    ...(mobile ? { isMobile: true } : {}),
  });
  // Runs in the page (a string: the test is type-checked without DOM types).
  await context.addInitScript({
    content: `if (!localStorage.getItem('ventana.lang')) localStorage.setItem('ventana.lang', '${lang}');`,
  });
  return context;
}

async function logIn(page: Page): Promise<void> {
  await page.getByTestId('login-email').fill(OWNER.email);
  await page.getByTestId('login-password').fill(OWNER.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-overview').waitFor();
}

/** A fresh browser context in `lang`, signed in as the owner with email and password. */
async function signedIn(lang: 'es' | 'en', path = '/'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(lang);
  const page = await context.newPage();
  await page.goto(`${runtime.url}${path}`);
  await logIn(page);
  return { context, page };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** What the simulated Messenger received for `psid` (the Send API calls Ventana made). */
function sendsTo(psid: string): { messaging_type?: string; tag?: string; message?: { text?: string } }[] {
  return runtime
    .demo!.simulator.state.requests.toArray()
    .filter((r) => r.endpoint === 'send')
    .map((r) => r.body as { recipient?: { id?: string } })
    .filter((b) => b.recipient?.id === psid) as never;
}

beforeAll(async () => {
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html')))
    throw new Error(`the dashboard is not built (${DEFAULT_WEB_ROOT}): run npm run build:web`);
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'ventana-e2e-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config, { now: () => Date.now() + offset });
  await runtime.settle();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard served by Ventana', () => {
  it('serves the app at / and for deep links, while API and webhook 404s keep their shape', async () => {
    const home = await fetch(`${runtime.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    const deep = await fetch(`${runtime.url}/broadcasts?x=1`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
    const apiMissing = await api<{ error: { code: string } }>('/api/v1/nothing-here');
    expect(apiMissing.status).toBe(404);
    expect(apiMissing.body.error.code).toBe('not_found');
    const asset = await fetch(`${runtime.url}/assets/missing.js`);
    expect(asset.status).toBe(404);
    const hook = await fetch(`${runtime.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=no`);
    expect(hook.headers.get('content-type')).toContain('text/plain');
  });
});

describe('the first owner and signing in', () => {
  it('creates the owner through the one-time setup link, then signs out and in with email and password', async () => {
    expect(runtime.setupToken).toEqual(expect.any(String));
    const context = await newContext('es');
    const page = await context.newPage();
    await page.goto(`${runtime.url}/setup?token=${encodeURIComponent(runtime.setupToken!)}`);
    // The link carries the token: the form has it already.
    await expect(page.getByTestId('setup-token').inputValue()).resolves.toBe(runtime.setupToken);
    await page.getByTestId('setup-name').fill(OWNER.name);
    await page.getByTestId('setup-email').fill(OWNER.email);
    await page.getByTestId('setup-password').fill(OWNER.password);
    await shot(page, 'setup-es');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-overview').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const status = await api<{ needsOwner: boolean }>('/api/v1/setup/status');
    expect(status.body.needsOwner).toBe(false);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill('no es esta');
    await page.getByTestId('login-submit').click();
    await page.getByText('El correo o la contraseña no son correctos').waitFor();
    await shot(page, 'login-es');
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-overview').waitFor();
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'ventana_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    await context.close();
  });

  it('a person invited from Settings joins through the invitation link', async () => {
    const { context, page } = await signedIn('en');
    await page.getByTestId('nav-settings').click();
    await page.getByRole('tab', { name: 'Invitations' }).click();
    await page.getByTestId('invite-email').fill('luis@example.com');
    await page.getByTestId('invite-submit').click();
    const link = await page.getByLabel('Invitation link').inputValue();
    expect(link).toContain('/invitations/accept?token=');
    await shot(page, 'settings-invitation-en');
    await context.close();

    const guest = await newContext('es');
    const gp = await guest.newPage();
    await gp.goto(link.replace(/^https?:\/\/[^/]+/, runtime.url));
    await gp.getByTestId('invitation-name').fill('Luis Gómez');
    await gp.getByTestId('invitation-password').fill('otra contraseña larga');
    await shot(gp, 'invitation-accept-es');
    await gp.getByTestId('invitation-submit').click();
    await gp.getByTestId('nav-overview').waitFor();
    const members = await api<{ items: { email: string; role: string }[] }>('/api/v1/members');
    expect(members.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: 'luis@example.com', role: 'agent' })]),
    );
    await guest.close();
  });
});

describe('pages and entry points', () => {
  it('shows the demo Page connected, with its webhook URL and health', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('page-card').first().waitFor();
    await expect(page.getByTestId('page-card').first().textContent()).resolves.toContain(
      runtime.demo!.pageId,
    );
    await expect(page.getByTestId('webhook-url').first().inputValue()).resolves.toContain(
      '/webhooks/messenger',
    );
    await page.getByTestId('page-health').first().waitFor();
    await shot(page, 'pages-connected-es');
    await context.close();
  });

  it('creates an entry point with the session CSRF token and downloads its QR code as a PNG', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-entry-points').click();
    await page.getByTestId('entry-new').click();
    await page.getByTestId('entry-name').fill('Cartel del escaparate');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/v1/entry-points') && r.method() === 'POST'),
      page.getByTestId('entry-save').click(),
    ]);
    // A change goes with the session CSRF token and the workspace; never with a Bearer token.
    expect(request.headers()['x-csrf-token']).toEqual(expect.any(String));
    expect(request.headers()['x-workspace-id']).toBe('default');
    expect(request.headers().authorization).toBeUndefined();
    const card = page.getByTestId('entry-card').filter({ hasText: 'Cartel del escaparate' });
    await card.getByTestId('qr-preview').waitFor();
    await expect(card.locator('input').first().inputValue()).resolves.toContain(
      `https://m.me/${runtime.demo!.pageId}?ref=`,
    );
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('qr-png').click()]);
    const png = readFileSync((await download.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(500);
    await shot(page, 'entry-point-es');
    await context.close();
  });
});

describe('flows, sequences and contacts', () => {
  const promoSteps = (audience: 'everyone' | 'subscribers') =>
    JSON.stringify([
      {
        id: 'hola',
        type: 'send',
        message: { type: 'text', text: '¡Hola {{first_name|amigo}}!' },
        next: 'espera',
      },
      { id: 'espera', type: 'delay', days: 3, next: 'oferta' },
      {
        id: 'oferta',
        type: 'send',
        audience,
        message: { type: 'text', text: 'Esta semana, 20% de descuento con el código GRATIS' },
      },
    ]);

  it('refuses a flow whose promotion would go out 3 days later, then saves it for subscribers and publishes it', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-flows').click();
    await page.getByTestId('flow-new').click();
    await page.getByTestId('flow-name').fill('Oferta de envío');
    // The JSON is the "Advanced" view of the same state the step forms edit.
    await page.getByTestId('flow-advanced').click();
    await page.getByTestId('flow-steps').fill(promoSteps('everyone'));
    // The editor reformats the JSON when it loses focus: let that happen before aiming at Save.
    await page.getByTestId('flow-steps').blur();
    await page.getByTestId('flow-save').click();
    const problems = page.getByTestId('flow-server-problems');
    await problems.waitFor();
    await expect(problems.textContent()).resolves.toContain('oferta');
    await shot(page, 'flow-refused-es');
    // The same problem shows on the step's card in the form view.
    await page.getByTestId('flow-advanced').click();
    await expect(page.getByTestId('step-2-problems').textContent()).resolves.toMatch(/\S/);
    await page.getByTestId('flow-advanced').click();
    const saved = await api<{ items: unknown[] }>('/api/v1/flows');
    expect(saved.body.items).toHaveLength(0);

    await page.getByTestId('flow-steps').fill(promoSteps('subscribers'));
    await page.getByTestId('flow-steps').blur();
    await page.getByTestId('flow-save').click();
    // Saved: the editor now holds the stored flow, which can be published.
    await page.getByTestId('flow-publish').click();
    await page.getByText('Publicada la versión 1.').waitFor();
    const flows = await api<{ items: { name: string; status: string; publishedVersion: number }[] }>(
      '/api/v1/flows',
    );
    expect(flows.body.items).toEqual([
      expect.objectContaining({ name: 'Oferta de envío', status: 'active', publishedVersion: 1 }),
    ]);
    await shot(page, 'flow-published-es');
    await context.close();
  });

  it('builds a flow with the step form (keyword, message, email question, label), saves and publishes it', async () => {
    for (const lang of ['en', 'es'] as const) {
      const { context, page } = await signedIn(lang);
      await page.getByTestId('nav-flows').click();
      await page.getByTestId('flow-new').click();
      await page.getByTestId('flow-name').fill(`Form ${lang}`);
      await page.getByTestId('trigger-0-match').selectOption('exact');
      await page.getByTestId('trigger-0-value').fill(`precio-${lang}`);
      // A new flow starts from an example: clear it and build from scratch.
      for (let i = 0; i < 3; i++) await page.getByTestId('step-0-remove').click();
      await page.getByTestId('step-add-type').selectOption('send');
      await page.getByTestId('step-add').click();
      await page.getByTestId('step-0-text').fill('¡Hola! Te contamos los precios.');
      await page.getByTestId('step-0-qr-add').click();
      await page.getByTestId('step-0-qr-0-title').fill('Precios');
      await page.getByTestId('step-0-qr-0-payload').fill('PRECIOS');
      await page.getByTestId('step-add-type').selectOption('ask');
      await page.getByTestId('step-add').click();
      await page.getByTestId('step-1-text').fill('¿Cuál es tu correo?');
      await page.getByTestId('step-1-validate').selectOption('email');
      await page.getByTestId('step-add-type').selectOption('add_label');
      await page.getByTestId('step-add').click();
      await page.getByTestId('step-2-labels').fill('lead');
      await page.getByTestId('step-2-labels').press('Enter');
      // The graph draws the three steps as boxes, linked in the order they were added.
      await expect(page.getByTestId('flow-graph').locator('rect').count()).resolves.toBe(3);
      await expect(page.getByTestId('flow-graph').locator('path[marker-end]').count()).resolves.toBe(2);
      await shot(page, `flow-form-${lang}`);
      await page.getByTestId('flow-save').click();
      await page.getByTestId('flow-publish').click();
      await page.getByText(lang === 'es' ? 'Publicada la versión 1.' : 'Version 1 published.').waitFor();
      await context.close();
    }
    const flows = await api<{ items: { name: string; publishedVersion: number; draft: unknown }[] }>(
      '/api/v1/flows',
    );
    const built = flows.body.items.find((f) => f.name === 'Form en');
    expect(built).toMatchObject({
      publishedVersion: 1,
      draft: {
        triggers: [{ type: 'keyword', match: 'exact', value: 'precio-en' }],
        steps: [
          {
            id: 'send_1',
            type: 'send',
            message: {
              type: 'text',
              text: '¡Hola! Te contamos los precios.',
              quickReplies: [{ title: 'Precios', payload: 'PRECIOS' }],
            },
            next: 'ask_1',
          },
          {
            id: 'ask_1',
            type: 'ask',
            text: '¿Cuál es tu correo?',
            field: 'email',
            validate: 'email',
            next: 'add_label_1',
          },
          { id: 'add_label_1', type: 'add_label', labels: ['lead'] },
        ],
      },
    });
  });

  it('creates a sequence for the "lead" label and activates it', async () => {
    const { context, page } = await signedIn('en');
    await page.getByTestId('nav-sequences').click();
    await page.getByTestId('sequence-new').click();
    await page.getByTestId('sequence-name').fill('Lead follow-up');
    await page.getByTestId('sequence-labels').fill('lead');
    await page.getByTestId('sequence-labels').press('Enter');
    await page.getByTestId('sequence-step-text').fill('Did you get a chance to look at the catalogue?');
    await page.getByTestId('sequence-save').click();
    const row = page.getByTestId('sequence-row').filter({ hasText: 'Lead follow-up' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Draft');
    await row.getByTestId('sequence-toggle').click();
    await row.getByText('Active').waitFor();
    const list = await api<{ items: { name: string; status: string; entry: { labels: string[] } }[] }>(
      '/api/v1/sequences',
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({
        name: 'Lead follow-up',
        status: 'active',
        entry: expect.objectContaining({ labels: ['lead'] }),
      }),
    ]);
    await shot(page, 'sequences-active-en');
    await context.close();
  });

  it('saves a Messenger profile (greeting, Get Started, an ice breaker) and queues it for the Page', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-profile').click();
    await page.getByRole('button', { name: 'Añadir saludo' }).click();
    await page.getByLabel('Texto').first().fill('¡Hola {{user_first_name}}! Escríbenos lo que necesites.');
    await page.getByLabel('Payload').first().fill('GET_STARTED');
    await page.getByRole('button', { name: 'Añadir pregunta' }).click();
    await page.getByLabel('Pregunta').first().fill('¿Cuál es vuestro horario?');
    await page.getByLabel('Payload').nth(1).fill('HORARIO');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('profile-status').waitFor();
    const stored = await api<{
      desired: { greeting: { text: string }[]; iceBreakers: { locale: string }[] };
    }>(`/api/v1/pages/${runtime.demo!.pageId}/messenger-profile`);
    expect(stored.status).toBe(200);
    expect(stored.body.desired.greeting[0]?.text).toContain('{{user_first_name}}');
    expect(stored.body.desired.iceBreakers[0]?.locale).toBe('default');
    await shot(page, 'profile-saved-es');
    await context.close();
  });

  it('refuses a utility template that reads as marketing, naming the selling signals', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-templates').click();
    await page.getByTestId('template-new').click();
    await page.getByTestId('template-name').fill('pedido_enviado');
    await page
      .getByTestId('template-body')
      .fill('Tu pedido {{1}} ya salió. Usa el cupón VUELVE para un 20% de descuento.');
    await page.getByLabel('Valor de ejemplo n.º 1').fill('A-1001');
    await page.getByTestId('template-submit').click();
    const error = page.getByTestId('template-create').getByTestId('error-state');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/cup[oó]n|descuento/i);
    const list = await api<{ items: unknown[] }>('/api/v1/templates');
    expect(list.body.items).toHaveLength(0);
    await shot(page, 'template-refused-es');
    await context.close();
  });

  it('opens a contact and reads their history and window', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-table').getByText('Lucía García').click();
    const drawer = page.getByTestId('contact-drawer');
    await drawer.waitFor();
    await drawer.getByText('Mensaje recibido').first().waitFor();
    await expect(drawer.textContent()).resolves.toContain('Hola, ¿tenéis la chaqueta en talla M?');
    await expect(drawer.getByTestId('window-badge').textContent()).resolves.toContain('Ventana abierta');
    // What is still lawful, in the reader's words, straight from the policy engine.
    await expect(drawer.getByTestId('can-do').locator('li').count()).resolves.toBeGreaterThan(0);
    await shot(page, 'contact-drawer-es');
    await context.close();
  });
});

describe('broadcasts', () => {
  it('composes with live compliance feedback, reads the preflight, exports a group as CSV and sends', async () => {
    const { context, page } = await signedIn('es');
    await page.getByTestId('nav-broadcasts').click();
    await page.getByTestId('broadcast-new').click();
    await page.getByTestId('broadcast-name').fill('Rebajas de invierno');
    await page.getByTestId('broadcast-text').fill(PROMO_TEXT);

    // The classifier's verdict arrives from /api/v1/policy/check while typing, with its signals marked.
    await expect(
      page.getByTestId('verdict').filter({ hasText: 'Promocional' }).waitFor(),
    ).resolves.toBeUndefined();
    const marked = await page.getByTestId('highlighted-text').locator('mark').allTextContents();
    expect(marked).toEqual(expect.arrayContaining(['2x1', 'solo hoy']));

    // Declaring it non-promotional is flagged before saving.
    await page.getByTestId('broadcast-intent').click();
    await page.getByRole('option', { name: 'No promocional' }).click();
    await page.getByTestId('intent-warning').waitFor();
    await page.getByTestId('broadcast-intent').click();
    await page.getByRole('option', { name: 'Promocional', exact: true }).click();
    await shot(page, 'broadcast-compose-es');

    await page.getByTestId('broadcast-create').click();
    await page.getByTestId('preflight').waitFor();

    // The page shows the server's own preflight, group by group.
    const list = await api<{ items: { id: string; name: string }[] }>('/api/v1/broadcasts');
    const created = list.body.items.find((b) => b.name === 'Rebajas de invierno')!;
    const pf = await api<{ total: number; groups: { key: string; count: number }[] }>(
      `/api/v1/broadcasts/${created.id}/preflight`,
    );
    expect(pf.body.total).toBeGreaterThan(0);
    expect(await page.getByTestId('preflight-total').textContent()).toContain(String(pf.body.total));
    const rows = page.getByTestId('preflight-groups').locator('tbody tr');
    expect(await rows.count()).toBe(pf.body.groups.length);
    for (const g of pf.body.groups) {
      await expect(page.locator(`tr[data-group="${g.key}"]`).textContent()).resolves.toContain(
        String(g.count),
      );
    }
    const refusedGroup = pf.body.groups.find((g) => g.key.startsWith('refused:'));
    expect(refusedGroup).toBeDefined();
    await shot(page, 'broadcast-preflight-es');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`csv-${refusedGroup!.key}`).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('psid,name,locale,group,reason,window_closes_at,due_at');
    expect(csv).toHaveLength(refusedGroup!.count + 1);

    await page.getByTestId('broadcast-send').click();
    await page.getByTestId('report').waitFor();
    await runtime.settle();
    await runtime.settle();
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('nav-broadcasts').click();
    await page.getByText('Rebajas de invierno').first().click();
    await page.getByTestId('report').waitFor();
    await shot(page, 'broadcast-report-es');
    await context.close();
  });

  it("settles a lost answer by Meta's echo and resends, from the report, only what Meta never echoed", async () => {
    // Two sends die with the connection: Meta accepted the first (and echoes it), not the second.
    const sim = runtime.demo!.simulator;
    sim.faults.add({ kind: 'timeout', delivered: true, holdMs: 0, count: 1 });
    sim.faults.add({ kind: 'timeout', delivered: false, holdMs: 0, count: 1 });
    const created = await api<{ id: string }>('/api/v1/broadcasts', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Aviso de horario',
        intent: 'non_promotional',
        content: { message: { type: 'text', text: 'Hola {{first_name}}, mañana abrimos a las 10:00.' } },
      }),
    });
    expect(created.status).toBe(201);
    const send = await api(`/api/v1/broadcasts/${created.body.id}/send`, { method: 'POST', body: '{}' });
    expect(send.status).toBe(200);
    await runtime.settle();
    await sim.people.flush();
    await runtime.settle();
    const before = await api<{ sent: number; unknown: number; confirmedByEcho: number }>(
      `/api/v1/broadcasts/${created.body.id}/report`,
    );
    expect(before.body).toMatchObject({ unknown: 1, confirmedByEcho: 1 });

    const { context, page } = await signedIn('en');
    await page.getByTestId('nav-broadcasts').click();
    await page.getByText('Aviso de horario').first().click();
    await page.getByTestId('report').waitFor();
    // Within the grace Meta may still echo it: nothing is queued.
    await page.getByTestId('broadcast-resend-unconfirmed').click();
    await page.getByTestId('broadcast-resend-result').filter({ hasText: '0 queued again' }).waitFor();
    await shot(page, 'broadcast-report-unconfirmed-en');
    advance(11 * 60_000);
    await page.getByTestId('broadcast-resend-unconfirmed').click();
    await page.getByTestId('broadcast-resend-result').filter({ hasText: '1 queued again' }).waitFor();
    await runtime.settle();
    const after = await api<{ sent: number; unknown: number }>(
      `/api/v1/broadcasts/${created.body.id}/report`,
    );
    expect(after.body).toMatchObject({ sent: before.body.sent + 1, unknown: 0 });
    // Everyone got the message exactly once: the messages Meta delivered, by recipient.
    const delivered = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.messageId !== undefined)
      .filter((r) => (r.body as { message?: { text?: string } }).message?.text?.includes('abrimos a las 10'))
      .map((r) => r.psid);
    expect(delivered).toHaveLength(after.body.sent);
    expect(new Set(delivered).size).toBe(delivered.length);
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('nav-broadcasts').click();
    await page.getByText('Aviso de horario').first().click();
    await page.getByTestId('report').waitFor();
    await shot(page, 'broadcast-report-echo-en');
    await context.close();
  });
});

describe('language', () => {
  it('switches between Spanish and English, remembers the choice and sends it to the API', async () => {
    const { context, page } = await signedIn('es');
    await expect(page.getByTestId('nav-broadcasts').textContent()).resolves.toBe('Difusiones');
    await page.getByTestId('lang-switch').getByText('EN').click();
    await expect(page.getByTestId('nav-broadcasts').textContent()).resolves.toBe('Broadcasts');
    await page.reload();
    await page.getByTestId('nav-broadcasts').waitFor();
    await expect(page.getByTestId('nav-broadcasts').textContent()).resolves.toBe('Broadcasts');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/api/v1/audit')),
      page.getByTestId('nav-audit').click(),
    ]);
    expect(request.headers()['accept-language']).toBe('en');
    await page.getByTestId('lang-switch').getByText('ES').click();
    await expect(page.getByTestId('nav-audit').textContent()).resolves.toBe('Registro de auditoría');
    await context.close();
  });
});

describe('audit log', () => {
  it('lists the decisions, filters the refused ones and exports them as CSV', async () => {
    const refused = await api<{ items: { reasons: { code: string }[] }[] }>(
      '/api/v1/audit?allowed=false&limit=500',
    );
    expect(refused.body.items.length).toBeGreaterThan(0);
    const { context, page } = await signedIn('en');
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('audit-allowed').click();
    await page.getByRole('option', { name: 'Refused' }).click();
    await page.getByTestId('audit-apply').click();
    // The filtered list replaces the first one when its request answers: wait for its rows.
    const rows = page.getByTestId('audit-table').locator('tbody tr:visible');
    const expected = Math.min(refused.body.items.length, 50);
    await rows.nth(expected - 1).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await rows.count()).toBe(expected);
    await expect(page.getByTestId('audit-table').textContent()).resolves.toContain(
      'Outside the 24-hour window',
    );
    await shot(page, 'audit-refused-en');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-csv').click(),
    ]);
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines.length).toBe(refused.body.items.length + 1);
    await context.close();
  });
});

describe('every main page renders in both languages', () => {
  const pages = [
    'overview',
    'inbox',
    'contacts',
    'broadcasts',
    'entry-points',
    'flows',
    'sequences',
    'templates',
    'profile',
    'pages',
    'audit',
    'settings',
    'demo',
  ];
  for (const lang of ['es', 'en'] as const) {
    it(`shows each page with its title or a ${lang} empty/error state (screenshots)`, async () => {
      const { context, page } = await signedIn(lang);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      for (const id of pages) {
        await page.getByTestId(`nav-${id}`).click();
        await page.locator('main h2').first().waitFor();
        await shot(page, `${id}-${lang}`);
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe('on a phone', () => {
  it('collapses the navigation behind the menu button and still reaches every section', async () => {
    const context = await newContext('es', true);
    const page = await context.newPage();
    await page.goto(`${runtime.url}/broadcasts`);
    await logIn(page);
    await page.getByRole('heading', { name: 'Difusiones' }).waitFor();
    // Mantine slides the collapsed navbar out of the screen.
    const box = await page.getByTestId('nav-audit').boundingBox();
    expect(box === null || box.x + box.width <= 0).toBe(true);
    await shot(page, 'broadcasts-phone-es');
    await page.getByLabel('Menú').click();
    await page.getByTestId('nav-audit').click();
    await page.getByRole('heading', { name: 'Registro de auditoría' }).waitFor();
    await shot(page, 'audit-phone-es');
    await context.close();
  });
});

describe('the inbox, live, and the 24-hour window', () => {
  let lucia: string;

  it('a fake person writes from the demo panel and the message appears in the open inbox by itself', async () => {
    const people = await api<{ items: { psid: string; firstName: string }[] }>('/api/v1/demo/people');
    lucia = people.body.items.find((p) => p.firstName === 'Lucía')!.psid;
    const { context, page: inbox } = await signedIn('es', '/inbox');
    await inbox.getByTestId('nav-inbox').click();
    await inbox.getByTestId('conversation-list').getByText(/Lucía/).first().click();
    await inbox.getByTestId('thread').waitFor();

    // The demo panel in a second tab of the same session.
    const demo = await context.newPage();
    await demo.goto(`${runtime.url}/demo`);
    await demo.getByTestId('demo-person').click();
    await demo.getByRole('option', { name: /Lucía/ }).click();
    await demo.getByTestId('demo-text').fill('¿Hacéis envíos a Canarias?');
    await demo.getByTestId('demo-send').click();
    await runtime.settle();
    // No reload, no click: the server's event stream brings it.
    await inbox.getByTestId('thread').getByText('¿Hacéis envíos a Canarias?').waitFor({ timeout: 15_000 });
    await shot(inbox, 'inbox-thread-es');
    await context.close();
  });

  it('a picture the person sends shows in the thread, and opens full size', async () => {
    // Meta's CDN stands here as a loopback server with one picture.
    const picture =
      '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect width="320" height="200" fill="#f59f00"/>' +
      '<text x="160" y="112" font-size="28" text-anchor="middle" fill="#fff">zapatilla talla 38</text></svg>';
    const cdn = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end(picture);
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/foto.svg`;
    try {
      const sim = runtime.demo!.simulator;
      const person = sim.people.get(runtime.demo!.pageId, lucia)!;
      sim.clock.set(Date.now() + offset);
      expect((await sim.people.sendAttachment(person, 'image', url)).status).toBe(200);
      await runtime.settle();
      const { context, page } = await signedIn('es', '/inbox');
      await page.getByTestId('conversation-list').getByText(/Lucía/).first().click();
      const img = page.getByTestId('thread').getByTestId('message-picture').last();
      await img.waitFor();
      // Loaded, not a broken image.
      await expect
        .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(320);
      await expect(img.getAttribute('alt')).resolves.toBe('Imagen');
      // The thread opens on its newest line, the picture, even though it loaded after the text.
      const viewport = page.getByTestId('thread').locator('.mantine-ScrollArea-viewport');
      await expect
        .poll(() =>
          viewport.evaluate((el) => {
            const v = el as unknown as { scrollHeight: number; scrollTop: number; clientHeight: number };
            return v.scrollHeight - v.scrollTop - v.clientHeight;
          }),
        )
        .toBeLessThan(2);
      await expect(
        page.getByTestId('thread').locator(`a[href="${url}"]`).getAttribute('target'),
      ).resolves.toBe('_blank');
      await shot(page, 'inbox-picture-es');
      await context.close();
    } finally {
      await new Promise((r) => cdn.close(r));
    }
  });

  it('an agent answers inside the window through the standard route', async () => {
    const { context, page } = await signedIn('es', '/inbox');
    await page.getByTestId('conversation-list').getByText(/Lucía/).first().click();
    await page.getByTestId('reply-text').fill('¡Hola Lucía! Sí, enviamos a Canarias.');
    await expect(page.getByTestId('reply-decision').textContent()).resolves.toContain('Ventana estándar');
    await page.getByTestId('reply-send').click();
    await page.getByTestId('thread').getByText('¡Hola Lucía! Sí, enviamos a Canarias.').waitFor();
    await runtime.settle();
    expect(sendsTo(lucia).at(-1)).toMatchObject({
      messaging_type: 'RESPONSE',
      message: { text: '¡Hola Lucía! Sí, enviamos a Canarias.' },
    });
    await context.close();
  });

  it('30 hours later the reply goes as a human agent (HUMAN_AGENT tag)', async () => {
    advance(30 * H);
    const { context, page } = await signedIn('en', '/inbox');
    await page.getByTestId('conversation-list').getByText(/Lucía/).first().click();
    await page.getByTestId('reply-text').fill('Your parcel leaves tomorrow morning.');
    await expect(page.getByTestId('reply-decision').textContent()).resolves.toContain('Human agent');
    await shot(page, 'inbox-human-agent-en');
    await page.getByTestId('reply-send').click();
    await page.getByTestId('thread').getByText('Your parcel leaves tomorrow morning.').waitFor();
    await runtime.settle();
    expect(sendsTo(lucia).at(-1)).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    await context.close();
  });

  it('8 days later the reply box says why not and offers the lawful alternatives', async () => {
    advance(7 * 24 * H);
    const before = sendsTo(lucia).length;
    const { context, page } = await signedIn('es', '/inbox');
    await page.getByTestId('conversation-list').getByText(/Lucía/).first().click();
    await page.getByTestId('reply-text').fill('Hola Lucía, ¿sigues interesada?');
    const refused = page.getByTestId('reply-refused');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toMatch(/ventana|Ventana/);
    await expect(refused.getByTestId('alternatives').locator('li').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByTestId('reply-send').isDisabled()).resolves.toBe(true);
    await shot(page, 'inbox-refused-es');
    await page.getByTestId('lang-switch').getByText('EN').click();
    await page.getByTestId('reply-text').fill('Hi Lucía, still interested?');
    await expect(refused.textContent()).resolves.toContain('window');
    await shot(page, 'inbox-refused-en');
    await runtime.settle();
    expect(sendsTo(lucia)).toHaveLength(before);
    await context.close();
  });
});
