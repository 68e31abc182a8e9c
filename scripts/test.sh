#!/usr/bin/env bash
# Every test: type-check first (server, then dashboard; types are part of the suite), build the
# dashboard (the browser tests drive it), then Vitest with a JSON report, then the
# closing line "N passed, N failed" that CI reads. Extra arguments go to Vitest (e.g. a file filter).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
if ! npx tsc -p tsconfig.json --noEmit; then
  echo "type-check failed / la comprobación de tipos falló"
  echo "0 passed, 1 failed"
  exit 1
fi
# The dashboard is its own TypeScript project (DOM, JSX); the browser tests need its build.
if ! npx tsc -p web/tsconfig.json --noEmit; then
  echo "dashboard type-check failed / la comprobación de tipos del panel falló"
  echo "0 passed, 1 failed"
  exit 1
fi
# The typed client is shared with the dashboard: it must compile under DOM libs, without Node types.
if ! npx tsc -p tsconfig.client-dom.json --noEmit; then
  echo "typed client type-check (DOM) failed / la comprobación de tipos del cliente (DOM) falló"
  echo "0 passed, 1 failed"
  exit 1
fi
# The committed OpenAPI document and typed client must match the routes (scripts/gen-api.ts prints why).
if ! npx tsx scripts/gen-api.ts --check; then
  echo "0 passed, 1 failed"
  exit 1
fi
if ! npm run --silent build:web >test-results/build-web.log 2>&1; then
  cat test-results/build-web.log
  echo "dashboard build failed / la compilación del panel falló"
  echo "0 passed, 1 failed"
  exit 1
fi
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "$@"
code=$?
node scripts/test-summary.mjs test-results/vitest.json || code=1
exit $code
