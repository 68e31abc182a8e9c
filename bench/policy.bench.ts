/**
 * npm run bench:policy — policy decisions per second (content already classified) and classified
 * messages per second, on one core. Prints figures; asserts nothing.
 */

import type { Facts } from '../src/policy/index.ts';
import { classifyContent, decide, parseFacts, ruleSetAt } from '../src/policy/index.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const H = 3_600_000;
const texts = [
  'Hola Ana, tu pedido #4821 ha salido. Número de seguimiento 1Z999AA10123456784.',
  'Black Friday: 30% de descuento en todo con el código FRIDAY30, ¡solo hoy!',
  'Your appointment is confirmed for Thursday at 10:00. Reply C to cancel.',
  'Ti aspettiamo! Nuova collezione disponibile, spedizione gratuita oggi.',
  'Sua fatura de R$ 89,90 vence amanhã. Veja os detalhes na sua conta.',
  'We miss you! Come back and get 15% off your next order 🛍️',
];

/** A realistic mix: open windows, closed windows, human agents, subscriptions, tags. */
function makeFacts(n: number): Facts[] {
  const out: Facts[] = [];
  for (let i = 0; i < n; i++) {
    const doc = {
      now: NOW,
      page: { humanAgent: i % 3 === 0, utilityMessaging: i % 2 === 0, marketingMessages: true },
      contact: {
        lastInboundAt: NOW - ((i * 7919) % (10 * 24)) * H,
        lastInboundKind: i % 11 === 0 ? 'ad_message' : 'message',
        country: ['ES', 'US', 'MX', 'IT', 'BR'][i % 5],
        marketingSubscription: i % 4 === 0 ? { status: 'active', lastSentAt: NOW - (i % 30) * H } : null,
      },
      message: {
        sender: i % 5 === 0 ? 'human' : 'bot',
        text: texts[i % texts.length],
        tag: i % 13 === 0 ? 'POST_PURCHASE_UPDATE' : null,
      },
    };
    const parsed = parseFacts(doc);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const f = parsed.facts;
    const verdict = classifyContent({ text: f.message.text ?? undefined });
    out.push({ ...f, message: { ...f.message, promotional: verdict } });
  }
  return out;
}

function measure(label: string, seconds: number, fn: () => number): number {
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  const start = performance.now();
  while (performance.now() < end) ops += fn();
  const rate = ops / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} /s`);
  return rate;
}

const rules = ruleSetAt(NOW);
if (!rules.ok) throw new Error('rules');
const facts = makeFacts(10_000);
let sink = 0;
console.log(`policy bench — node ${process.version}, one thread, rule set ${rules.ruleSet.id}`);
for (let round = 1; round <= 3; round++) {
  measure(`round ${round}: decisions (content classified)`, 2, () => {
    for (const f of facts) if (decide(f, rules.ruleSet, NOW).allowed) sink++;
    return facts.length;
  });
}
const contents = texts.map((text, i) => ({
  text,
  buttons: i % 2 ? [{ type: 'web_url', title: 'Ver', url: 'https://shop.example.com/sale' }] : [],
}));
for (let round = 1; round <= 3; round++) {
  measure(`round ${round}: classified messages`, 2, () => {
    for (const c of contents) if (classifyContent(c).value) sink++;
    return contents.length;
  });
}
if (sink < 0) console.log(sink);
