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
    components: body.components ?? { library_template_name: body.library_template_name },
    createdAt: now,
  };
  state.templates.set(template.id, template);
  return { ok: true, template };
}
