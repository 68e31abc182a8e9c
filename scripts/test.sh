#!/usr/bin/env bash
# Every test: type-check first (types are part of the suite), then Vitest with a JSON report, then the
# closing line "N passed, N failed" that CI reads. Extra arguments go to Vitest (e.g. a file filter).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
if ! npx tsc -p tsconfig.json --noEmit; then
  echo "type-check failed / la comprobación de tipos falló"
  echo "0 passed, 1 failed"
  exit 1
fi
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "$@"
code=$?
node scripts/test-summary.mjs test-results/vitest.json || code=1
exit $code
