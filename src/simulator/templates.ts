/**
 * Utility template review: Meta approves Page-owned utility templates "within seconds" unless the
 * content reads as marketing (rejection reason TAG_SHOULD_BE_MARKETING). The simulator approves at
 * once and rejects bodies with obvious promotional words in English, Spanish, Portuguese or Italian.
 */
import { randomInt } from 'node:crypto';
import { type GraphFailure, invalidParam } from './graph-error.ts';
import type { SimulatorState } from './state.ts';
import type { SimTemplate } from './types.ts';

const MARKETING =
  /\b(discount|discounts|descuento|descuentos|desconto|sconto|oferta|ofertas|offerta|offer|offers|promo|promos|promoci[oó]n|promo[cç][aã]o|promozione|coupon|cup[oó]n|cupom|rebaja|rebajas|sale|black friday|buy now|compra ya|shop now)\b|\d+\s*%\s*off|%\s*off\b/i;

export function looksLikeMarketing(text: string): boolean {
  return MARKETING.test(text);
}

type Obj = Record<string, unknown>;

/** A ready-made utility template of Meta's library (`GET /message_template_library`). */
export interface LibraryTemplate {
  readonly name: string;
  readonly language: string;
  readonly category: 'UTILITY';
  readonly topic: string;
  readonly body: string;
  readonly body_params: readonly string[];
}

/** A few library templates, enough to search and clone (Meta's library holds hundreds). */
export const TEMPLATE_LIBRARY: readonly LibraryTemplate[] = [
  {
    name: 'order_shipped_update',
    language: 'en_US',
    category: 'UTILITY',
    topic: 'ORDER_MANAGEMENT',
    body: 'Good news! Your order {{1}} has shipped. Track it with number {{2}}.',
    body_params: ['order number', 'tracking number'],
  },
  {
    name: 'order_shipped_update',
    language: 'es',
    category: 'UTILITY',
    topic: 'ORDER_MANAGEMENT',
    body: '¡Buenas noticias! Tu pedido {{1}} ya salió. Síguelo con el número {{2}}.',
    body_params: ['número de pedido', 'número de seguimiento'],
  },
  {
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'UTILITY',
    topic: 'APPOINTMENT',
    body: 'Reminder: your appointment is on {{1}} at {{2}}.',
    body_params: ['date', 'time'],
  },
  {
    name: 'appointment_reminder',
    language: 'es',
    category: 'UTILITY',
    topic: 'APPOINTMENT',
    body: 'Recordatorio: tu cita es el {{1}} a las {{2}}.',
    body_params: ['fecha', 'hora'],
  },
  {
    name: 'payment_received',
    language: 'en_US',
    category: 'UTILITY',
    topic: 'PAYMENTS',
    body: 'We received your payment of {{1}} for invoice {{2}}.',
    body_params: ['amount', 'invoice'],
  },
];

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** All human-readable text of a template request: component texts and library inputs. */
function templateText(body: Obj): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) Object.values(v).forEach(walk);
  };
  walk(body.components);
  walk(body.library_template_body_inputs);
  walk(body.library_template_button_inputs);
  return parts.join(' ');
}

export type TemplateReview =
  | { readonly ok: true; readonly template: SimTemplate }
  | { readonly ok: false; readonly failure: GraphFailure };

export function reviewTemplate(
  state: SimulatorState,
  pageId: string,
  body: Obj,
  now: number,
): TemplateReview {
  const { name, category, language } = body;
  if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name)) {
    return {
      ok: false,
      failure: invalidParam('Param name must be lowercase letters, digits and underscores'),
    };
  }
  if (category !== 'UTILITY') return { ok: false, failure: invalidParam('Param category must be UTILITY') };
  if (typeof language !== 'string' || language === '') {
    return { ok: false, failure: invalidParam('The parameter language is required') };
  }
  if (body.components === undefined && typeof body.library_template_name !== 'string') {
    return { ok: false, failure: invalidParam('Either components or library_template_name is required') };
  }
  const library =
    typeof body.library_template_name === 'string'
      ? TEMPLATE_LIBRARY.find((t) => t.name === body.library_template_name && t.language === language)
      : undefined;
  if (typeof body.library_template_name === 'string' && !library) {
    return {
      ok: false,
      failure: invalidParam(`Library template ${body.library_template_name} does not exist in ${language}`),
    };
  }
  for (const t of state.templates.values()) {
    if (t.pageId === pageId && t.name === name && t.language === language) {
      return {
        ok: false,
        failure: invalidParam(`Message template "${name}" already exists in ${language}`, 2388024),
      };
    }
  }
  const marketing = looksLikeMarketing(templateText(body));
  const template: SimTemplate = {
    id: String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000, 999_999)),
    pageId,
    name,
    language,
    category,
    status: marketing ? 'REJECTED' : 'APPROVED',
    rejectedReason: marketing ? 'TAG_SHOULD_BE_MARKETING' : null,
    components: body.components ?? [{ type: 'BODY', text: library?.body ?? '' }],
    createdAt: now,
  };
  state.templates.set(template.id, template);
  return { ok: true, template };
}
