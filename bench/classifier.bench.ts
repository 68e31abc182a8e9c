/**
 * Classifier throughput on one core: `npx tsx bench/classifier.bench.ts`.
 * Classifies a rotating set of typical (~150 character) messages, prints messages per second for
 * the median of 5 rounds. A benchmark, not a test: no assertion on timing.
 */
import { classifyContent } from '../src/policy/classifier/index.ts';
import type { ClassifiableContent } from '../src/policy/classifier/types.ts';

const MESSAGES: readonly ClassifiableContent[] = [
  {
    text: '¡Rebajas de verano! Hasta un 40% de descuento en toda la tienda hasta el domingo. Usa el código VERANO20 al pagar y recibe tu pedido en 24 h 🌞',
  },
  {
    text: 'Tu pedido #48213 ha sido enviado. Puedes seguirlo aquí: https://www.correos.es/es/es/herramientas/localizador y te llegará el jueves por la mañana.',
  },
  {
    text: 'Your subscription renews at $9.99 on May 3. You can manage or cancel it from your account settings at any time before that date.',
  },
  {
    text: 'Look what just arrived for you 👀 Our new linen shirts come in six colours, perfect for the summer. Free returns within 30 days.',
    buttons: [{ type: 'web_url', title: 'Shop now', url: 'https://www.northtrail.com/collections/linen' }],
  },
  {
    text: 'Ciao! Grazie per averci scritto. Un operatore ti risponderà tra pochi minuti, nel frattempo puoi dirci il numero d’ordine.',
  },
  {
    text: 'Sentimos sua falta na academia 💪 Volte este mês e não pague a matrícula. Últimas vagas para a turma das 7h, garanta a sua hoje!',
    quickReplies: [{ title: 'Quero voltar' }],
  },
  {
    text: 'Lembrete: sua consulta com a Dra. Pereira é amanhã às 10h na unidade Centro. Se precisar remarcar, responda a esta mensagem ou ligue.',
  },
  {
    text: 'Il tuo ordine n. 10293 di 45,90 € è partito dal nostro magazzino. Arriverà tra martedì e mercoledì, il corriere ti avviserà prima della consegna.',
  },
];

const N = 200_000;
let sink = 0;
for (let i = 0; i < 20_000; i++) sink += classifyContent(MESSAGES[i % MESSAGES.length]!).score;
const rates: number[] = [];
for (let round = 0; round < 5; round++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += classifyContent(MESSAGES[i % MESSAGES.length]!).score;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  rates.push(N / s);
}
rates.sort((a, b) => a - b);
const avgLen = MESSAGES.reduce((a, m) => a + (m.text?.length ?? 0), 0) / MESSAGES.length;
console.log(
  `classifyContent: ${Math.round(rates[2]!).toLocaleString('en')} messages/s (median of 5 rounds, avg text ${Math.round(avgLen)} chars; min ${Math.round(rates[0]!).toLocaleString('en')}, max ${Math.round(rates[4]!).toLocaleString('en')})${sink === Number.POSITIVE_INFINITY ? '' : ''}`,
);
