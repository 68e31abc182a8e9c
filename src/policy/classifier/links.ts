import type { CounterSignalKind, SignalKind } from './types.ts';

/**
 * Link rules. A link is judged by its host and path (lower-cased). Transactional rules are checked
 * first: a receipt, tracking, invoice, account or booking link is never a shop link, even on a shop's
 * own domain (`https://shop.example.com/orders/123` is a receipt).
 */
export interface LinkRule {
  readonly test: RegExp;
  readonly verdict:
    | {
        readonly signal: Extract<SignalKind, 'shop_link' | 'funnel_link' | 'external_link'>;
        readonly weight?: number;
      }
    | { readonly counter: CounterSignalKind }
    | { readonly neutral: true };
}

/** Carriers and tracking services: a link to them is a shipment update. */
const CARRIER_HOSTS = [
  'correos.es',
  'seur.com',
  'mrw.es',
  'nacex.es',
  'gls-spain.es',
  'gls-group.eu',
  'gls-group.com',
  'dhl.com',
  'dhl.es',
  'dhl.de',
  'ups.com',
  'fedex.com',
  'usps.com',
  'royalmail.com',
  'parcelforce.com',
  'dpd.com',
  'dpd.co.uk',
  'dpd.es',
  'ctt.pt',
  'correios.com.br',
  'jadlog.com.br',
  'loggi.com',
  'poste.it',
  'brt.it',
  'sda.it',
  'tnt.com',
  'gls-italy.com',
  'inpost.it',
  'inpost.es',
  'amazon.com/progress-tracker',
  '17track.net',
  'aftership.com',
  'parcelsapp.com',
  'track.aftership.com',
  'correosexpress.com',
  'estafeta.com',
  'andreani.com',
  'oca.com.ar',
  'servientrega.com',
  'chilexpress.cl',
  'canadapost.ca',
  'auspost.com.au',
];

function hostPattern(hosts: readonly string[]): RegExp {
  const alts = hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  return new RegExp(`^(?:[a-z0-9-]+\\.)*(?:${alts})(?:[/:?#]|$)`);
}

/** Path segment (or sub-domain) words, any language. `(?:^|[/._?=&-])word(?:[/._?=&#-]|$)`. */
function segment(words: readonly string[]): RegExp {
  return new RegExp(`(?:^|[/._?=&-])(?:${words.join('|')})(?:[/._?=&#-]|$)`);
}

/** Support and help-centre hosts are answers to the person, not outbound marketing. */
const SUPPORT =
  /^(?:support|help|ayuda|ajuda|aiuto|assistenza|assistencia|soporte|sat|status|clientes|clienti|minhaconta|conto|cuenta|agenda|booking|firma|assinatura)\./;

export const LINK_RULES: readonly LinkRule[] = [
  // Buying steps win over everything: `/billing/upgrade` sells a plan, it is not an invoice.
  {
    test: segment(['upgrade', 'checkout', 'cart', 'carrito', 'carrinho', 'carrello', 'pricing']),
    verdict: { signal: 'shop_link' },
  },
  { test: hostPattern(CARRIER_HOSTS), verdict: { counter: 'tracking' } },
  {
    test: segment([
      'track',
      'tracking',
      'trackings',
      'livetracking',
      'rastreo',
      'rastreio',
      'rastreamento',
      'seguimiento',
      'tracciamento',
      'traccia',
      'localizador',
      'shipment',
      'shipments',
      'envios',
      'spedizioni',
      'fedextrack',
    ]),
    verdict: { counter: 'tracking' },
  },
  {
    test: segment([
      'invoice',
      'invoices',
      'factura',
      'facturas',
      'fatura',
      'faturas',
      'fattura',
      'fatture',
      'billing',
      'bills',
      'nota-fiscal',
      'boleto',
    ]),
    verdict: { counter: 'invoice' },
  },
  {
    test: segment([
      'orders?',
      'pedidos?',
      'ordini',
      'ordine',
      'receipts?',
      'recibos?',
      'ricevuta',
      'ricevute',
      'returns?',
      'devoluciones',
      'devolucion',
      'devolucoes',
      'resi',
      'reso',
      'presupuestos',
      'orcamentos',
      'preventivi',
      'quotes',
      'order-status',
      'mis-pedidos',
      'meus-pedidos',
      'my-orders',
    ]),
    verdict: { counter: 'receipt' },
  },
  {
    test: segment([
      'appointments?',
      'citas?',
      'consultas?',
      'appuntamenti',
      'appuntamento',
      'reschedule',
      'reprogramar',
      'remarcar',
      'sposta',
      'modifica',
      'bookings?',
      'reservas?',
      'prenotazion[ei]',
      'agendamentos?',
      'my-tickets',
      'mis-entradas',
      'meus-ingressos',
      'i-miei-biglietti',
      'check-?in',
      'boarding-?pass',
    ]),
    verdict: { counter: 'appointment' },
  },
  {
    test: segment([
      'account',
      'accounts',
      'my-account',
      'mi-cuenta',
      'minha-conta',
      'mio-account',
      'cuenta',
      'conta',
      'profile',
      'perfil',
      'profilo',
      'security',
      'seguridad',
      'seguranca',
      'sicurezza',
      'password',
      'reset-password',
      'login',
      'signin',
      'verify',
      'settings',
      'ajustes',
      'configuracion',
      'legal',
      'privacy',
      'privacidad',
      'privacidade',
      'terms',
      'documentos',
      'documents',
      'documenti',
      'sign',
      'firmar',
      'firma',
      'assinar',
    ]),
    verdict: { counter: 'account_notice' },
  },
  // Video-call and meeting links: the person's own session, not a funnel.
  {
    test: hostPattern(['zoom.us', 'meet.google.com', 'teams.microsoft.com', 'whereby.com']),
    verdict: { counter: 'appointment' },
  },
  { test: SUPPORT, verdict: { neutral: true } },
  {
    test: segment([
      'shop',
      'store',
      'tienda',
      'loja',
      'negozio',
      'products?',
      'producto',
      'productos',
      'produto',
      'produtos',
      'prodotto',
      'prodotti',
      'p',
      'item',
      'items',
      'collections?',
      'coleccion',
      'colecao',
      'collezione',
      'catalog',
      'catalogo',
      'cart',
      'carrito',
      'carrinho',
      'carrello',
      'bag',
      'checkout',
      'sale',
      'saldi',
      'rebajas',
      'liquidacao',
      'ofertas?',
      'offerte',
      'offers?',
      'deals?',
      'promo',
      'promos',
      'promociones',
      'outlet',
      'bestsellers',
      'mas-vendidos',
      'mais-vendidos',
      'piu-venduti',
      'new',
      'nuevo',
      'novedades',
      'novita',
      'gift-card',
      'tarjeta-regalo',
      'vale-presente',
      'gift-guide',
      'upgrade',
      'pricing',
      'precios',
      'precos',
      'prezzi',
      'plans',
      'planes',
      'recommended',
      'rewards',
      'trips',
      'accesorios',
      'accessori',
      'acessorios',
    ]),
    verdict: { signal: 'shop_link' },
  },
  {
    test: hostPattern([
      'myshopify.com',
      'shopify.com',
      'etsy.com',
      'amazon.com',
      'amazon.es',
      'amazon.it',
      'amazon.com.br',
      'amzn.to',
      'mercadolivre.com.br',
      'mercadolibre.com',
      'ebay.com',
      'aliexpress.com',
      'wa.me/c',
    ]),
    verdict: { signal: 'shop_link' },
  },
  {
    test: /^(?:shop|store|tienda|loja|negozio|tickets|entradas|ingressos|biglietti)\./,
    verdict: { signal: 'shop_link' },
  },
  {
    test: segment([
      'blog',
      'articles?',
      'news',
      'noticias',
      'lp',
      'landing',
      'webinars?',
      'webinar-[a-z0-9-]+',
      'events?',
      'eventos?',
      'eventi',
      'evento',
      'signup',
      'sign-up',
      'register',
      'registro',
      'registrati',
      'cadastro',
      'subscribe',
      'newsletter',
      'ebook',
      'e-book',
      'guide',
      'guia',
      'guida',
      'demo',
      'masterclass',
      'free',
      'gratis',
      'trial',
      'promo-[a-z0-9-]+',
    ]),
    verdict: { signal: 'funnel_link' },
  },
  {
    test: /^(?:blog|lp|go|info|events|eventos|eventi|learn|landing|promo|ofertas)\./,
    verdict: { signal: 'funnel_link' },
  },
  {
    test: hostPattern([
      'typeform.com',
      'forms.gle',
      'docs.google.com/forms',
      'surveymonkey.com',
      'jotform.com',
      'tally.so',
      'eventbrite.com',
      'eventbrite.es',
      'sympla.com.br',
      'linktr.ee',
      'mailchi.mp',
      'hubspot.com',
    ]),
    verdict: { signal: 'funnel_link' },
  },
  // Shorteners hide the destination: an outbound marketing habit, weigh them like a funnel.
  {
    test: hostPattern(['bit.ly', 'tinyurl.com', 'ow.ly', 'rebrand.ly', 'cutt.ly', 't.co', 'goo.gl', 'is.gd']),
    verdict: { signal: 'funnel_link' },
  },
  { test: /[?&]utm_(?:source|medium|campaign)=/, verdict: { signal: 'funnel_link' } },
];

export type LinkVerdict = LinkRule['verdict'];

/**
 * Judge one URL. Scheme and `www.` are dropped; host and path are lower-cased.
 * Returns a promotional signal, a transactional counter-signal, or neutral (support pages).
 */
export function classifyUrl(url: string): LinkVerdict {
  const bare = url
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^www\./, '');
  for (const rule of LINK_RULES) {
    if (rule.test.test(bare)) return rule.verdict;
  }
  return { signal: 'external_link' };
}
