#!/usr/bin/env bash
# The refresh grant side by side, measured by one client (examples/bench) over keep-alive
# HTTP on 127.0.0.1, one server at a time, at 1, 16 and 64 connections:
#   - Latchkey on SQLite, and on PostgreSQL when BENCH_POSTGRES_URL names an admin URL
#     (a fresh database is made beside it and dropped afterwards);
#   - node-oidc-provider when PEER_BENCH names the peer benchmark's folder (its server,
#     configured for rotation, on its SQLite and its memory adapter, JWT access tokens,
#     scope offline_access: no ID token, like Latchkey).
# Also client_credentials and introspection throughput, and the in-process probe.
#
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test PEER_BENCH=path bench/compare.sh
#
# Knobs: CONCURRENCIES="1 16 64" DURATION=15 WARMUP=2 PORT=8181 PEER_PORT=3000; LATCHKEY_BIN
# (another build of the server, e.g. an older commit's) with LABEL (default latchkey) to
# name its rows; the in-process probe is this tree's code, so it runs only without it.
# Results: one JSON line per run in target/bench-results/compare-<time>.jsonl, and a table.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

CONCURRENCIES=${CONCURRENCIES:-"1 16 64"}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-2}
PORT=${PORT:-8181}
PEER_PORT=${PEER_PORT:-3000}
SEED_COUNT=64
WORK=$(mktemp -d)
mkdir -p target/bench-results
OUT=target/bench-results/compare-$(date +%Y%m%d-%H%M%S).jsonl
PG_DB=""
PEER_PID=""
cleanup() {
  stop_latchkey
  [ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null && wait "$PEER_PID" 2>/dev/null
  [ -n "$PG_DB" ] && drop_postgres "$BENCH_POSTGRES_URL" "$PG_DB"
  rm -rf "$WORK"
}
SERVER_WRAPPER=""
trap cleanup EXIT

build_release

# record LABEL [PID]: appends the last run's JSON with the label and the server's RSS.
record() {
  local rss=null
  [ -n "${2:-}" ] && rss=$(rss_mib "$2")
  python3 - "$WORK/run.json" "$1" "$rss" "$OUT" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
run["server"], run["rss_mib"] = sys.argv[2], json.loads(sys.argv[3])
open(sys.argv[4], "a").write(json.dumps(run) + "\n")
lat = run["latency_ms"]
errors = ", ".join(f"{k} x{v}" for k, v in run["errors"].items()) or "none"
print(f"{run['server']:<22} {run['workload']:<18} c={run['concurrency']:<3} {run['per_sec']:>8.0f}/s"
      f"  p50 {lat['p50']:.2f}  p99 {lat['p99']:.2f}  max {lat['max']:.1f} ms  errors {errors}"
      f"  not_rotated {run['not_rotated']}  rss {run['rss_mib']} MiB")
PY
}

# refresh_cells LABEL BASE CLIENT_ID SECRET PID SEEDER...: one refresh run per concurrency,
# each on freshly seeded families.
refresh_cells() {
  local label=$1 base=$2 id=$3 secret=$4 pid=$5
  shift 5
  for c in $CONCURRENCIES; do
    "$@" >"$WORK/tokens.txt"
    timeout $((DURATION + WARMUP + 60)) $BENCH refresh --base "$base" --client-id "$id" \
      --client-secret="$secret" --seed-file "$WORK/tokens.txt" --concurrency "$c" \
      --duration-secs "$DURATION" --warmup-secs "$WARMUP" --json >"$WORK/run.json"
    record "$label" "$pid"
  done
}

latchkey_seed() {
  timeout 300 $BENCH seed --base "http://127.0.0.1:$PORT" --client-id "$CLIENT_ID" \
    --client-secret="$CLIENT_SECRET" --username bench --password "$PASSWORD" \
    --redirect-uri $REDIRECT --count $SEED_COUNT
}

bench_latchkey() { # LABEL DATABASE_URL
  local label=$1 url=$2 base="http://127.0.0.1:$PORT"
  register "$url"
  start_latchkey "$url" "$PORT"
  refresh_cells "$label" "$base" "$CLIENT_ID" "$CLIENT_SECRET" "$SERVER_PID" latchkey_seed
  timeout $((DURATION + WARMUP + 60)) $BENCH client-credentials --base "$base" --client-id "$CLIENT_ID" \
    --client-secret="$CLIENT_SECRET" --concurrency 16 --duration-secs "$DURATION" \
    --warmup-secs "$WARMUP" --json >"$WORK/run.json"
  record "$label" "$SERVER_PID"
  latchkey_seed >"$WORK/tokens.txt"
  timeout $((DURATION + WARMUP + 60)) $BENCH introspect --base "$base" --client-id "$CLIENT_ID" \
    --client-secret="$CLIENT_SECRET" --seed-file "$WORK/tokens.txt" --concurrency 16 \
    --duration-secs "$DURATION" --warmup-secs "$WARMUP" --json >"$WORK/run.json"
  record "$label" "$SERVER_PID"
  stop_latchkey
  [ -n "${LATCHKEY_BIN:-}" ] && return
  # The same grant in process, no HTTP: what the HTTP layer costs shows beside it.
  for c in 1 16; do
    timeout $((DURATION + WARMUP + 60)) $BENCH probe --database-url "$url" --concurrency $c \
      --duration-secs "$DURATION" --warmup-secs "$WARMUP" --json >"$WORK/run.json"
    record "$label"
  done
}

LABEL=${LABEL:-latchkey}
bench_latchkey "$LABEL-sqlite" "sqlite://$WORK/bench.db"
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
  PG_DB=$(fresh_postgres "$BENCH_POSTGRES_URL" compare)
  bench_latchkey "$LABEL-postgres" "$PG_DB"
fi

if [ -n "${PEER_BENCH:-}" ]; then
  # The peer's folder may be read-only: work on a copy, kept under target/ so that its
  # npm install is done once.
  peer=target/peer-bench
  [ -d "$peer" ] || { cp -r "$PEER_BENCH" "$peer"; chmod -R u+w "$peer"; }
  (cd "$peer/node-provider" && { [ -d node_modules/better-sqlite3 ] || timeout 600 npm ci --no-audit --no-fund --loglevel=error; })
  peer_seed() {
    timeout 300 python3 "$peer/seed_node.py" --base "http://127.0.0.1:$PEER_PORT" --count $SEED_COUNT \
      --scope "offline_access api:read" --resource urn:bench:api --out "$WORK/peer-tokens.txt" >&2
    cat "$WORK/peer-tokens.txt"
  }
  for adapter in sqlite memory; do
    (cd "$peer/node-provider" && NODE_ENV=production PORT=$PEER_PORT ADAPTER=$adapter AT_FORMAT=jwt \
      SQLITE_PATH="$WORK/peer.sqlite" exec timeout 1800 node server.mjs) >"$WORK/peer.log" 2>&1 &
    PEER_PID=$!
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:$PEER_PORT/.well-known/openid-configuration" >/dev/null && break
      sleep 0.1
    done
    refresh_cells "node-oidc-$adapter" "http://127.0.0.1:$PEER_PORT" bench bench-secret \
      "$(pgrep -P $PEER_PID | head -n 1)" peer_seed
    kill "$PEER_PID"; wait "$PEER_PID" 2>/dev/null || true
    PEER_PID=""
    rm -f "$WORK"/peer.sqlite*
  done
fi

echo
echo "refresh grant: ours / peer (node-oidc-provider on its SQLite adapter) at each concurrency"
python3 - "$OUT" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
refresh = {(r["server"], r["concurrency"]): r for r in runs if r["workload"] == "refresh"}
print("| server | conc | refresh/s | p50 ms | p99 ms | max ms | RSS MiB | vs node sqlite | vs node memory |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (server, c), r in sorted(refresh.items(), key=lambda kv: (kv[0][0], kv[0][1])):
    lat = r["latency_ms"]
    def ratio(peer):
        p = refresh.get((peer, c))
        return f"{r['per_sec'] / p['per_sec']:.1f}x" if p and p["per_sec"] else "-"
    print(f"| {server} | {c} | {r['per_sec']:.0f} | {lat['p50']:.2f} | {lat['p99']:.2f} | {lat['max']:.1f} | {r['rss_mib']} | {ratio('node-oidc-sqlite')} | {ratio('node-oidc-memory')} |")
for r in runs:
    if r["workload"] != "refresh":
        lat = r["latency_ms"]
        print(f"{r['server']} {r['workload']} c={r['concurrency']}: {r['per_sec']:.0f}/s, p99 {lat['p99']:.2f} ms, errors {r['errors_total']}")
PY
echo "raw: $OUT"
