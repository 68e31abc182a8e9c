/**
 * Demo mode: with no Page connected, Ventana starts a demo Page on the built-in Messenger simulator
 * and a few fake people write to it through real signed webhooks. Everything downstream (ingest,
 * contacts, windows, decisions) is the production code path.
 */
import type { Logger } from 'pino';
import { createSimulator, type Simulator } from '../simulator/index.ts';
import { contacts, type Database, pages } from '../storage/index.ts';
import type { Secrets } from './secrets.ts';

export const DEMO_PAGE_ID = '100000000000777';
const DEMO_PAGE_TOKEN = 'demo-page-access-token';

export interface DemoHandle {
  readonly simulator: Simulator;
  readonly graphUrl: string;
  readonly pageId: string;
  /** The demo people write their first messages (call once Ventana processes webhooks). */
  populate(): Promise<readonly { psid: string; firstName: string; locale: string }[]>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

/** People with different histories, so the demo shows open, closing and closed windows. */
const CAST = [
  {
    firstName: 'Lucía',
    lastName: 'García',
    locale: 'es_ES',
    country: 'ES',
    timezone: 1,
    hoursAgo: 0,
    says: 'Hola, ¿tenéis la chaqueta en talla M?',
  },
  {
    firstName: 'Mateo',
    lastName: 'Hernández',
    locale: 'es_MX',
    country: 'MX',
    timezone: -6,
    hoursAgo: 22,
    says: '¿A qué hora abren el sábado?',
  },
  {
    firstName: 'Emma',
    lastName: 'Smith',
    locale: 'en_US',
    country: 'US',
    timezone: -5,
    hoursAgo: 30,
    says: 'Is my order on its way?',
  },
  {
    firstName: 'João',
    lastName: 'Silva',
    locale: 'pt_BR',
    country: 'BR',
    timezone: -3,
    hoursAgo: 200,
    says: 'Olá! Vocês entregam em Campinas?',
  },
];

export async function startDemo(input: {
  database: Database;
  secrets: Secrets;
  workspaceId: string;
  webhookUrl: string;
  logger: Logger;
  now: () => number;
}): Promise<DemoHandle> {
  const { database, secrets, now } = input;
  const simulator = createSimulator({
    appSecret: secrets.appSecret,
    webhookUrl: input.webhookUrl,
    pages: [
      {
        id: DEMO_PAGE_ID,
        token: DEMO_PAGE_TOKEN,
        name: 'Ventana Demo Café',
        permissions: { humanAgent: true },
      },
    ],
    autoDeliver: true,
    // Ventana subscribes Pages to message_echoes (server/page-routes.ts), so Meta echoes its sends.
    echoSends: true,
  });
  const graphUrl = await simulator.listen(0, '127.0.0.1');
  await pages.upsertPage(database, secrets.secretKey, {
    id: DEMO_PAGE_ID,
    workspaceId: input.workspaceId,
    name: 'Ventana Demo Café',
    accessToken: DEMO_PAGE_TOKEN,
    permissions: { humanAgent: true },
    now: now(),
  });
  const handshake = await simulator.people.handshake(secrets.verifyToken);
  if (!handshake.ok) input.logger.warn({ status: handshake.status }, 'demo webhook handshake failed');

  const populate = async () => {
    const people: { psid: string; firstName: string; locale: string }[] = [];
    for (const c of CAST) {
      const person = simulator.people.createPerson({
        pageId: DEMO_PAGE_ID,
        firstName: c.firstName,
        lastName: c.lastName,
        locale: c.locale,
        country: c.country,
        timezone: c.timezone,
      });
      // Older conversations are written at their original time: the simulator's clock goes back, then returns.
      simulator.clock.set(now() - c.hoursAgo * HOUR);
      await simulator.people.sendText(person, c.says);
      people.push({ psid: person.psid, firstName: c.firstName, locale: c.locale });
    }
    simulator.clock.set(now());
    return people;
  };
  return {
    simulator,
    graphUrl,
    pageId: DEMO_PAGE_ID,
    populate,
    close: () => simulator.close(),
  };
}

/** The contacts of the demo Page, for the start banner. */
export async function demoContacts(database: Database, workspaceId: string) {
  return contacts.listContacts(database, { workspaceId, pageId: DEMO_PAGE_ID });
}
