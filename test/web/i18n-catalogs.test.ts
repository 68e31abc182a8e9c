/**
 * The dashboard's two catalogs (web/src/i18n/es.json, en.json) say the same things: same keys, no
 * empty words, the same {{placeholders}}, and every key the code asks for exists in both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en as policyCatalog } from '../../src/policy/i18n/en.ts';
import en from '../../web/src/i18n/en.json' with { type: 'json' };
import es from '../../web/src/i18n/es.json' with { type: 'json' };
import { NAV } from '../../web/src/nav.ts';

type Tree = { readonly [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const ES = flatten(es as Tree);
const EN = flatten(en as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
/** A key exists when it is in the catalog itself or as i18next plural forms. */
const has = (catalog: Map<string, string>, key: string) =>
  catalog.has(key) || (catalog.has(`${key}_one`) && catalog.has(`${key}_other`));

describe('the dashboard catalogs', () => {
  it('have the same keys in Spanish and English', () => {
    expect([...ES.keys()].sort()).toEqual([...EN.keys()].sort());
    expect(ES.size).toBeGreaterThan(300);
  });

  it('have no empty value in either language', () => {
    for (const [lang, catalog] of [
      ['es', ES],
      ['en', EN],
    ] as const) {
      const empty = [...catalog].filter(([, v]) => v.trim() === '').map(([k]) => `${lang}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('use the same placeholders for each key in both languages', () => {
    const differ = [...ES.keys()].filter(
      (k) => JSON.stringify(placeholders(ES.get(k)!)) !== JSON.stringify(placeholders(EN.get(k) ?? '')),
    );
    expect(differ).toEqual([]);
  });

  it('hold every key the dashboard code asks for', () => {
    const root = join(import.meta.dirname, '../../web/src');
    const used = new Set<string>(NAV.map((n) => n.label));
    for (const file of sourceFiles(root)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(300);
    const missing = [...used].filter((k) => !has(ES, k) || !has(EN, k));
    expect(missing).toEqual([]);
  });

  it('name every route and reason code of the policy engine', () => {
    // The UI renders server codes with t(`routes.${code}`) and t(`reasons.${code}`).
    const codes = [
      ...Object.keys(policyCatalog.routes).map((c) => `routes.${c}`),
      ...Object.keys(policyCatalog.reasons).map((c) => `reasons.${c}`),
    ];
    expect(codes.length).toBeGreaterThan(40);
    expect(codes.filter((k) => !has(ES, k) || !has(EN, k))).toEqual([]);
  });
});
