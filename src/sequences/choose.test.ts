import { describe, expect, it } from 'vitest';
import { messageFacts } from '../outbound/content.ts';
import { decide, type Facts, ruleSetAt } from '../policy/index.ts';
import { chooseStepAction, windowClosed } from './choose.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const H = 3_600_000;
const rules = (() => {
  const r = ruleSetAt(NOW);
  if (!r.ok) throw new Error(r.code);
  return r.ruleSet;
})();

function facts(opts: {
  hoursAgo: number | null;
  text?: string;
  subscribed?: boolean;
  marketingEnabled?: boolean;
  blocked?: boolean;
}): Facts {
  return {
    now: NOW,
    page: {
      humanAgent: false,
      utilityMessaging: true,
      marketingMessages: opts.marketingEnabled ?? false,
      newsPageIndex: false,
      restricted: false,
      businessCountry: null,
    },
    contact: {
      lastInboundAt: opts.hoursAgo === null ? null : NOW - opts.hoursAgo * H,
      lastInboundKind: opts.hoursAgo === null ? null : 'message',
      adWindowStartedAt: null,
      country: opts.subscribed ? 'MX' : 'ES',
      blocked: opts.blocked ?? false,
      optedOut: false,
      marketingSubscription: opts.subscribed ? { status: 'active', lastSentAt: null, expiresAt: null } : null,
      legacyNotificationToken: null,
      oneTimeToken: null,
      windowClosedByGraphAt: null,
    },
    message: messageFacts({
      message: { type: 'text', text: opts.text ?? 'Hola, ¿cómo te fue con el pedido?' },
    }),
  } as Facts;
}

const PROMO = 'Black Friday: 30% de descuento con el código FRIDAY30, solo hoy';

describe('choosing what a due step does', () => {
  it('sends the primary content while the window is open, whatever the fallback', () => {
    const d = decide(facts({ hoursAgo: 2, text: PROMO }), rules, NOW);
    for (const f of ['skip', 'wait_for_inbound', 'utility_template', 'marketing_message'] as const)
      expect(chooseStepAction(f, d)).toEqual({ kind: 'send', variant: 'primary' });
  });

  it('applies the fallback when the window has closed', () => {
    const d = decide(facts({ hoursAgo: 30, text: PROMO }), rules, NOW);
    expect(windowClosed(d)).toBe(true);
    expect(chooseStepAction('skip', d)).toEqual({ kind: 'skip', note: 'window_closed' });
    expect(chooseStepAction('wait_for_inbound', d)).toEqual({ kind: 'wait', note: 'window_closed' });
    expect(chooseStepAction('utility_template', d)).toEqual({ kind: 'send', variant: 'utility_template' });
  });

  it('treats a person who never wrote like a closed window', () => {
    const d = decide(facts({ hoursAgo: null }), rules, NOW);
    expect(chooseStepAction('skip', d)).toEqual({ kind: 'skip', note: 'window_closed' });
  });

  it('sends a marketing message only to an active subscriber the policy allows, else skips with why', () => {
    const allowed = decide(
      facts({ hoursAgo: 30, text: PROMO, subscribed: true, marketingEnabled: true }),
      rules,
      NOW,
    );
    expect(allowed.route).toBe('marketing_message');
    expect(chooseStepAction('marketing_message', allowed)).toEqual({
      kind: 'send',
      variant: 'marketing_message',
    });
    const notSubscribed = decide(facts({ hoursAgo: 30, text: PROMO }), rules, NOW);
    expect(chooseStepAction('marketing_message', notSubscribed)).toEqual({
      kind: 'skip',
      note: 'marketing_not_subscribed',
    });
  });

  it('never takes the paid marketing route for a subscriber when the fallback is skip', () => {
    const d = decide(
      facts({ hoursAgo: 30, text: PROMO, subscribed: true, marketingEnabled: true }),
      rules,
      NOW,
    );
    expect(d.allowed).toBe(true);
    expect(chooseStepAction('skip', d)).toEqual({ kind: 'skip', note: 'window_closed' });
  });

  it('sends a transactional utility template on its own route after the window, without the fallback', () => {
    const f = facts({ hoursAgo: 72 });
    const d = decide(
      {
        ...f,
        message: messageFacts({
          message: {
            type: 'utility_template',
            name: 'order_update',
            language: 'es',
            bodyParameters: ['A-1001'],
          },
        }),
      },
      rules,
      NOW,
    );
    expect(d.route).toBe('utility');
    expect(chooseStepAction('skip', d)).toEqual({ kind: 'send', variant: 'primary' });
  });

  it('leaves a refusal for another rule to the pipeline, which audits it', () => {
    const d = decide(facts({ hoursAgo: 2, blocked: true }), rules, NOW);
    expect(d.allowed).toBe(false);
    expect(windowClosed(d)).toBe(false);
    expect(chooseStepAction('skip', d)).toEqual({ kind: 'send', variant: 'primary' });
  });
});
