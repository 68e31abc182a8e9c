// `npm start` runs this first: builds the dashboard once when dist/web is missing (a fresh checkout).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/web/index.html', import.meta.url))) {
  console.log('Building the dashboard (dist/web) / Compilando el panel (dist/web)…');
  execSync('npm run build:web', { stdio: 'inherit' });
}
