/** Renders policy codes, decisions and fact problems in the reader's language. */
import { decisionDocument } from '../document.ts';
import type { FactsProblem } from '../facts.ts';
import type { Alternative, Decision, Note, Reason } from '../types.ts';
import {
  type Catalog,
  type FactProblemKey,
  interpolate,
  type Lang,
  type RenderContext,
  renderTemplate,
} from './catalog.ts';
import { en } from './en.ts';
import { es } from './es.ts';

export { type Catalog, formatMoment, isLang, LANGS, type Lang, type RenderContext } from './catalog.ts';

export const CATALOGS: Readonly<Record<Lang, Catalog>> = { en, es };

export function catalogFor(lang: Lang): Catalog {
  return CATALOGS[lang];
}

export function reasonText(reason: Reason, ctx: RenderContext): string {
  const c = CATALOGS[ctx.lang];
  return renderTemplate(c.reasons[reason.code], reason.params, c, ctx);
}

export function alternativeText(alt: Alternative, ctx: RenderContext): string {
  const c = CATALOGS[ctx.lang];
  return renderTemplate(c.alternatives[alt.code], alt.params, c, ctx);
}

export function noteText(note: Note, ctx: RenderContext): string {
  const c = CATALOGS[ctx.lang];
  return renderTemplate(c.notes[note.code], note.params, c, ctx);
}

/** The public decision document: codes with their message in the requested language. */
export function withMessages(decision: Decision, ctx: RenderContext) {
  const doc = decisionDocument(decision);
  return {
    ...doc,
    reasons: doc.reasons.map((r, i) => ({ ...r, message: reasonText(decision.reasons[i]!, ctx) })),
    alternatives: doc.alternatives.map((a, i) => ({
      ...a,
      message: alternativeText(decision.alternatives[i]!, ctx),
    })),
    notes: doc.notes.map((n, i) => ({ ...n, message: noteText(decision.notes[i]!, ctx) })),
  };
}

/** "contact.lastInboundAt: expected an ISO 8601 instant …" in the reader's language. */
export function factsProblemText(problem: FactsProblem, lang: Lang): string {
  const c = CATALOGS[lang];
  const [key, detail = ''] = problem.problem.split(/:(.*)/s) as [string, string?];
  const template = (c.facts as Record<string, string>)[key as FactProblemKey];
  const text = template
    ? interpolate(template, { values: detail.replaceAll('|', ', '), detail })
    : problem.problem;
  return `${problem.field}: ${text}`;
}

/** A few lines a person can read: the verdict, the route, the window, why, and what to do instead. */
export function explainDecision(decision: Decision, ctx: RenderContext): string {
  const c = CATALOGS[ctx.lang];
  const w = c.words;
  const lines: string[] = [];
  lines.push(
    decision.allowed && decision.route
      ? `✔ ${w.allowed} ${w.via} ${c.routes[decision.route]}`
      : `✘ ${w.refused}`,
  );
  if (decision.allowed && decision.send.messaging_type) {
    lines.push(
      `  messaging_type=${decision.send.messaging_type}${decision.send.tag ? ` tag=${decision.send.tag}` : ''}`,
    );
  } else if (decision.allowed && decision.send.recipient) {
    lines.push(`  recipient.${decision.send.recipient}`);
  }
  const window =
    decision.windowClosesAt === null
      ? w.windowNever
      : renderTemplate(
          decision.windowOpen ? w.windowOpenUntil : w.windowClosed,
          { at: decision.windowClosesAt },
          c,
          ctx,
        );
  lines.push(`${w.window}: ${window}`);
  const signals = decision.promotional.signals.map((s) => `${s.kind} «${s.text}»`).join(', ');
  lines.push(
    `${w.promotional}: ${decision.promotional.value ? w.yes : w.no}${signals ? ` (${w.signals}: ${signals})` : ''}`,
  );
  if (decision.reasons.length > 0) {
    lines.push(`${w.why}:`);
    for (const r of decision.reasons) lines.push(`  - ${reasonText(r, ctx)}`);
  }
  if (decision.alternatives.length > 0) {
    lines.push(`${w.instead}:`);
    for (const a of decision.alternatives) lines.push(`  - ${alternativeText(a, ctx)}`);
  }
  if (decision.notes.length > 0) {
    lines.push(`${w.notes}:`);
    for (const n of decision.notes) lines.push(`  - ${noteText(n, ctx)}`);
  }
  lines.push(`${w.rules}: ${decision.rules}`);
  return lines.join('\n');
}
