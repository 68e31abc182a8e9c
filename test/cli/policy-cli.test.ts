import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/ventana.js', import.meta.url).pathname;

/** Runs `ventana …` as a process, the way a user or a script does. */
function ventana(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const facts = (extra: object = {}) =>
  JSON.stringify({
    now: '2026-11-25T12:00:00Z',
    contact: { lastInboundAt: '2026-11-24T10:00:00Z', lastInboundKind: 'message' },
    message: { sender: 'bot', text: 'Black Friday: 30% off with code FRIDAY30, only today!' },
    ...extra,
  });

describe('ventana policy check', () => {
  it('prints one JSON decision for the facts on stdin and exits 0 when refused', () => {
    const r = ventana(['policy', 'check'], facts());
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d).toMatchObject({
      allowed: false,
      route: null,
      rules: 'messenger-2026-09-11',
      windowClosesAt: '2026-11-25T10:00:00.000Z',
    });
    expect(d.reasons[0]).toMatchObject({
      code: 'outside_window',
      message: expect.stringContaining('24-hour window closed'),
    });
    expect(d.promotional.value).toBe(true);
  });

  it('answers in Spanish with --lang es', () => {
    const d = JSON.parse(ventana(['policy', 'check', '--lang', 'es'], facts()).out);
    expect(d.reasons[0].message).toContain('La ventana de 24 horas se cerró hoy a las 10:00 UTC');
  });

  it('applies the rules of another day with --rules, and reads --file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-'));
    const path = join(dir, 'facts.json');
    writeFileSync(
      path,
      JSON.stringify({
        now: '2026-11-25T12:00:00Z',
        contact: { lastInboundAt: '2026-11-20T12:00:00Z' },
        message: { text: 'Your order #4821 has shipped.', tag: 'POST_PURCHASE_UPDATE' },
      }),
    );
    const old = JSON.parse(ventana(['policy', 'check', '--file', path, '--rules', '2021-01-01']).out);
    expect(old).toMatchObject({
      allowed: true,
      route: 'message_tag',
      rules: 'messenger-2020-03-04',
      send: { messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' },
    });
    const today = JSON.parse(ventana(['policy', 'check', '--file', path]).out);
    expect(today.reasons.map((r: { code: string }) => r.code)).toContain('tag_deprecated');
  });

  it('exits 2 and names the field when the input is invalid', () => {
    const r = ventana(['policy', 'check'], facts({ contact: { lastInboundAt: 'yesterday' } }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('contact.lastInboundAt: expected an ISO 8601 instant');
    expect(JSON.parse(r.out).error).toMatchObject({
      code: 'invalid_facts',
      problems: [{ field: 'contact.lastInboundAt' }],
    });
  });

  it('exits 2 when now is missing and when the JSON is broken', () => {
    expect(ventana(['policy', 'check'], JSON.stringify({ message: {} })).err).toContain('now: is required');
    const broken = ventana(['policy', 'check'], '{"now": ');
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('(document): is not valid JSON');
  });

  it('exits 2 on an unknown --rules value or rule id, before reading input', () => {
    expect(ventana(['policy', 'check', '--rules', 'someday'], facts()).code).toBe(2);
    const r = ventana(['policy', 'check', '--disable', 'nope'], facts());
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope');
  });

  it('with --jsonl answers one line per line, in order, and a bad line does not stop the others', () => {
    const input = [
      facts(),
      '{"now": "not a date", "message": {}}',
      facts({ now: '2026-11-24T12:00:00Z' }),
    ].join('\n');
    const r = ventana(['policy', 'check', '--jsonl'], input);
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].allowed).toBe(false);
    expect(lines[1].error).toMatchObject({ code: 'invalid_facts', problems: [{ field: 'now' }] });
    expect(lines[2].allowed).toBe(true);
  });
});

describe('ventana policy explain and rules', () => {
  it('explains a decision in Spanish words', () => {
    const r = ventana(['policy', 'explain', '--lang', 'es'], facts());
    expect(r.code).toBe(0);
    expect(r.out).toContain('✘ No se puede enviar');
    expect(r.out).toContain('Qué puedes hacer');
    expect(r.out).toContain('Espera a que la persona vuelva a escribir');
  });

  it('picks Spanish from the environment when no --lang is given', () => {
    expect(ventana(['policy', 'explain'], facts(), { LANG: 'es_ES.UTF-8' }).out).toContain(
      'No se puede enviar',
    );
  });

  it('prints the timeline of rules with their sources', () => {
    const r = ventana(['policy', 'rules', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2026-04-27  (messenger-2026-04-27)');
    expect(r.out).toContain('Three message tags retired');
    expect(r.out).toContain(
      'source: https://developers.facebook.com/documentation/business-messaging/messenger-platform',
    );
    const es = ventana(['policy', 'rules', '--lang', 'es', '--at', '2020-03-04']);
    expect(es.out).toContain('Reglas: messenger-2020-03-04');
    expect(es.out).toContain('Etiquetas de mensaje de la reforma de 2020');
  });
});
