/**
 * What `ventana start` tells a person: where Ventana runs, the webhook to paste into Meta, and in demo
 * mode a first look at the compliance engine on the demo people (their windows and what a promotion
 * would do for each of them right now).
 */
import { needsOwner } from '../accounts/service.ts';
import type { Runtime } from '../app/runtime.ts';
import type { Config } from '../config/config.ts';
import { catalogFor, createRuleBook, decide, formatMoment, reasonText } from '../policy/index.ts';
import { contacts, pages } from '../storage/index.ts';
import type { CliIo } from './policy.ts';

const PROMO = {
  es: '¡Solo hoy! 20% de descuento en toda la tienda con el código HOLA20',
  en: 'Today only! 20% off the whole shop with code HOLA20',
};

export async function printStartBanner(runtime: Runtime, config: Config, io: CliIo): Promise<void> {
  const es = io.defaultLang === 'es';
  const out = io.out;
  out(es ? `Ventana está en marcha: ${runtime.url}` : `Ventana is running: ${runtime.url}`);
  out(`  ${es ? 'panel' : 'dashboard'}:    ${runtime.url}/`);
  out(`  webhook:      ${runtime.webhookUrl}`);
  out(
    `  ${es ? 'base de datos' : 'database'}: ${config.databaseUrl.startsWith('postgres') ? 'PostgreSQL' : config.databaseUrl}`,
  );
  out(
    `  API:          ${runtime.url}/api/v1  (Authorization: Bearer ${runtime.secrets.apiToken.slice(0, 4)}… ${es ? `— completo en ${config.dataDir}/secrets.json o VENTANA_API_TOKEN` : `— in full in ${config.dataDir}/secrets.json or VENTANA_API_TOKEN`})`,
  );
  if (runtime.setupToken !== null && (await needsOwner(runtime.database))) {
    const link = `${runtime.url}/setup?token=${runtime.setupToken}`;
    out(
      es
        ? `  CREA EL PROPIETARIO: ${link}  (enlace de un solo uso; o POST /api/v1/setup con ese token)`
        : `  CREATE THE OWNER:  ${link}  (one-time link; or POST /api/v1/setup with that token)`,
    );
  }
  if (runtime.secrets.generated.length > 0) {
    out(
      es
        ? `  secretos generados y guardados en ${config.dataDir}/secrets.json (${runtime.secrets.generated.join(', ')})`
        : `  secrets generated and kept in ${config.dataDir}/secrets.json (${runtime.secrets.generated.join(', ')})`,
    );
  }
  if (!runtime.demo) return;

  await runtime.settle();
  const now = Date.now();
  out('');
  out(
    es
      ? `MODO DEMO: no hay ninguna Página conectada. Una Página de demostración habla con el simulador de Messenger (${runtime.demo.graphUrl}).`
      : `DEMO MODE: no Page is connected. A demo Page talks to the Messenger simulator (${runtime.demo.graphUrl}).`,
  );
  out(
    es
      ? 'Personas de prueba y qué pasaría ahora con una promoción:'
      : 'Demo people, and what a promotion would do right now:',
  );
  const page = await pages.pageFacts(runtime.database, runtime.demo.pageId);
  const rules = createRuleBook().at(now);
  const list = await contacts.listContacts(runtime.database, {
    workspaceId: 'default',
    pageId: runtime.demo.pageId,
  });
  const ctx = { lang: io.defaultLang, now };
  const words = catalogFor(io.defaultLang);
  for (const c of list) {
    if (!page || !rules.ok) break;
    const decision = decide(
      {
        now,
        page,
        contact: contacts.contactToFacts(c),
        message: {
          sender: 'bot',
          purpose: 'update',
          text: PROMO[io.defaultLang],
          buttons: [],
          quickReplies: [],
          tag: null,
          template: null,
          privateReply: null,
          promotional: null,
        },
      },
      rules.ruleSet,
      now,
    );
    const who = `${c.firstName ?? c.psid} (${c.locale ?? '?'})`.padEnd(24);
    const window =
      decision.windowOpen && decision.windowClosesAt !== null
        ? `${es ? 'ventana abierta hasta' : 'window open until'} ${formatMoment(decision.windowClosesAt, words, ctx)}`
        : es
          ? 'ventana cerrada'
          : 'window closed';
    const verdict = decision.allowed
      ? `✔ ${words.routes[decision.route!]}`
      : `✘ ${reasonText(decision.reasons[0]!, ctx)}`;
    out(`  ${who} ${window.padEnd(40)} ${verdict}`);
  }
  out('');
  out(
    es
      ? 'Prueba el motor de reglas:  npx ventana policy explain --lang es < hechos.json'
      : 'Try the rules engine:  npx ventana policy explain < facts.json',
  );
  out(
    es
      ? `Abre el panel (${runtime.url}/) y escribe como una persona de prueba desde «Demo».`
      : `Open the dashboard (${runtime.url}/) and write as a demo person from "Demo".`,
  );
  out(
    es
      ? 'Para conectar una Página real: define VENTANA_PAGE_ID, VENTANA_PAGE_ACCESS_TOKEN, VENTANA_APP_SECRET y VENTANA_VERIFY_TOKEN, y pega la URL del webhook en tu app de Meta.'
      : 'To connect a real Page: set VENTANA_PAGE_ID, VENTANA_PAGE_ACCESS_TOKEN, VENTANA_APP_SECRET and VENTANA_VERIFY_TOKEN, and paste the webhook URL into your Meta app.',
  );
  out(es ? 'Ctrl+C para parar.' : 'Ctrl+C to stop.');
}
