#!/usr/bin/env bash
# Starts Ventana as a peer of /work/shared/bench-peers/run.sh: maps the runner's environment
# (PORT, APP_SECRET, VERIFY_TOKEN, PAGE_ACCESS_TOKEN, PAGE_ID, GRAPH_ORIGIN) to VENTANA_* variables
# and `exec`s node, so the PID the runner measures (RSS, CPU) is Ventana's own process.
# Each start gets a fresh data folder under $VENTANA_BENCH_DATA (kept, so drain times can be read
# afterwards by drain.mjs). VENTANA_BENCH_DIR reuses an existing folder instead.
set -euo pipefail
if [ "${WEBHOOK_PATH:-/webhooks/messenger}" != /webhooks/messenger ]; then echo "Ventana serves /webhooks/messenger only (WEBHOOK_PATH=$WEBHOOK_PATH)" >&2; exit 2; fi
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA_ROOT="${VENTANA_BENCH_DATA:-$ROOT/.bench/ventana-data}"
mkdir -p "$DATA_ROOT"
DATA_DIR="${VENTANA_BENCH_DIR:-$(mktemp -d "$DATA_ROOT/run-XXXXXX")}"

export VENTANA_DATA_DIR="$DATA_DIR"
export VENTANA_APP_SECRET="$APP_SECRET"
export VENTANA_VERIFY_TOKEN="$VERIFY_TOKEN"
export VENTANA_PAGE_ID="$PAGE_ID"
export VENTANA_PAGE_ACCESS_TOKEN="$PAGE_ACCESS_TOKEN"
export VENTANA_GRAPH_URL="$GRAPH_ORIGIN"
export VENTANA_SECRET_KEY="${VENTANA_SECRET_KEY:-$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))')}"
export VENTANA_BENCH_STATS=1
export VENTANA_LOG_LEVEL="${VENTANA_LOG_LEVEL:-warn}"
export PORT HOST=127.0.0.1
if [ "${VENTANA_BENCH_INGEST_ONLY:-0}" = 1 ]; then
  cd "$ROOT" && exec node ${VENTANA_NODE_OPTIONS:-} "$ROOT/scripts/run-built.mjs" bench/webhook/ingest-only.ts
fi
exec node ${VENTANA_NODE_OPTIONS:-} "$ROOT/bin/ventana.js" start --no-demo
