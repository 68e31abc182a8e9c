#!/usr/bin/env bash
# npm run bench:webhook — Ventana's webhook ingest measured side by side with the peer frameworks
# (DESIGN 4), in one run on this machine:
#   1. copies /work/shared/bench-peers/ to the git-ignored .bench/peers/ and installs its pinned
#      dependencies there (npm ci; its .npmrc sets ignore-scripts);
#   2. runs its run.sh with baseline-http, bottender, botkit and Ventana (ventana-peer.sh: the real
#      `ventana start` process, inbound processor on, SQLite under .bench/ventana-data/);
#   3. restarts Ventana on each run's data folder to measure the processing backlog left by the load
#      and how long it takes to drain (drain.mjs);
#   4. prints the peers' table, then Ventana against its targets (summary.mjs).
#
# Knobs (environment): REPEAT=1 rounds (use REPEAT=3 for the figures to quote: medians of 3),
# DURATION=10 s measured, WARMUP=5 s, EVENTS="1 10", PEERS="baseline-http bottender botkit",
# DRAIN=1 (measure the backlog drain), DRAIN_MAX_S=120, QUIET=1 (wait for a quiet machine),
# PEERS_SRC=../shared/bench-peers. REPEAT=1 takes about 5 minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PEERS_SRC=${PEERS_SRC:-$ROOT/../shared/bench-peers}
DEST="$ROOT/.bench/peers"
export REPEAT=${REPEAT:-1} DURATION=${DURATION:-10} WARMUP=${WARMUP:-5} EVENTS=${EVENTS:-"1 10"}
read -r -a PEERS <<< "${PEERS:-baseline-http bottender botkit}"

# The shared folder may be read-only: work on a copy (its results/ and node_modules/ stay ours).
mkdir -p "$DEST"
tar -C "$PEERS_SRC" --exclude=./node_modules --exclude=./results -cf - . | tar -C "$DEST" -xf -
if [ ! -d "$DEST/node_modules/autocannon" ] || ! cmp -s "$PEERS_SRC/package-lock.json" "$DEST/node_modules/.package-lock.json.copy"; then
  (cd "$DEST" && npm ci --no-audit --no-fund)
  cp "$PEERS_SRC/package-lock.json" "$DEST/node_modules/.package-lock.json.copy"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
export VENTANA_BENCH_DATA="$ROOT/.bench/ventana-data/$STAMP"
mkdir -p "$VENTANA_BENCH_DATA"
before=$(ls "$DEST/results" 2> /dev/null | sort | tail -1 || true)
bash "$DEST/run.sh" "${PEERS[@]}" "ventana=bash $ROOT/bench/webhook/ventana-peer.sh"
RESULTS="$DEST/results/$(ls "$DEST/results" | sort | tail -1)"
if [ "$(basename "$RESULTS")" = "$before" ]; then
  echo "no new results folder" >&2
  exit 1
fi

DRAIN_FILE="$RESULTS/ventana-drain.jsonl"
if [ "${DRAIN:-1}" = 1 ]; then
  echo "== measuring Ventana's processing backlog (restart on each run's data, no load)" >&2
  PEERS_SRC="$DEST" DRAIN_MAX_S=${DRAIN_MAX_S:-120} node "$ROOT/bench/webhook/drain.mjs" "$VENTANA_BENCH_DATA"/run-* > "$DRAIN_FILE"
fi
echo
node "$ROOT/bench/webhook/summary.mjs" "$RESULTS" "$DRAIN_FILE" | tee "$RESULTS/ventana-summary.md"
