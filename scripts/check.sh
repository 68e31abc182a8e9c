#!/usr/bin/env bash
# The one check CI runs too: format and lint (Biome), generated docs current, no import cycles, then
# every test (which type-checks first).
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome check .
npx tsx scripts/gen-rules-doc.ts --check
npx tsx scripts/check-cycles.ts
bash scripts/test.sh "$@"
