/** Writes docs/rules.md from the rule data; `--check` exits 1 when the committed page is stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderRulesDoc } from '../src/policy/rules/rules-doc.ts';

const path = new URL('../docs/rules.md', import.meta.url);
const fresh = renderRulesDoc();
if (process.argv.includes('--check')) {
  const current = (() => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current !== fresh) {
    console.error('docs/rules.md is stale: run `npm run docs:rules`');
    process.exit(1);
  }
} else {
  writeFileSync(path, fresh);
  console.log('wrote docs/rules.md');
}
