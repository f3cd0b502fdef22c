#!/usr/bin/env bash
# The refresh grant as ratios measured in one run, every server driven by the same neutral
# load generator (the peer benchmark's refresh-load) over keep-alive HTTP on 127.0.0.1, in
# rounds that alternate the servers (A B C A B C: this kind of machine drifts by a third
# within an hour, so only figures from the same minutes are compared):
#   - latchkey-sqlite and, with BENCH_POSTGRES_URL (an admin URL), latchkey-postgres;
#   - latchkey-before-sqlite / -postgres when LATCHKEY_BEFORE names an older build;
#   - openid-sqlite / openid-postgres (only when named in SERVERS): families whose scope
#     holds openid, so that every refresh also signs an ID token; before-openid-sqlite /
#     -postgres the same on LATCHKEY_BEFORE;
#   - node-oidc-provider on its memory adapter (JWT access tokens, no ID token);
#   - the HTTP ceiling: the peer benchmark's token endpoint with no storage (MODE=crypto).
#
#   PEER_BENCH=path BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test bench/ratios.sh
#
# PEER_BENCH is the peer benchmark's folder with refresh-load and hello-token built
# (`cargo build --release` in loadgen/ and ceiling/, `npm ci` in node-provider/); PEER_TARGET
# names their cargo target folder if it is not their own. Knobs: ROUNDS=2 CONCURRENCIES="1 16 64"
# DURATION=10 WARMUP=2 SERVERS (a subset, in the order to alternate). Results: a table and target/bench-results/ratios-<time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

: "${PEER_BENCH:?PEER_BENCH must name the peer benchmark folder}"
PEER_TARGET=${PEER_TARGET:-$PEER_BENCH/loadgen/target}
LOADGEN=$PEER_TARGET/release/refresh-load
CEILING=${CEILING_BIN:-$PEER_TARGET/release/hello-token}
[ -x "$LOADGEN" ] || { echo "no refresh-load at $LOADGEN" >&2; exit 1; }
[ -x "$CEILING" ] || CEILING=$PEER_BENCH/ceiling/target/release/hello-token
ROUNDS=${ROUNDS:-2}
CONCURRENCIES=${CONCURRENCIES:-"1 16 64"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
PORT=${PORT:-8183}
SEED_COUNT=64
OPENID_SCOPE="openid profile email read write"
WORK=$(mktemp -d)
mkdir -p target/bench-results
OUT=target/bench-results/ratios-$(date +%Y%m%d-%H%M%S).jsonl
SERVER_WRAPPER=""
OTHER_PID=""
PG_DBS=()
cleanup() {
  stop_latchkey
  [ -n "$OTHER_PID" ] && kill "$OTHER_PID" 2>/dev/null && wait "$OTHER_PID" 2>/dev/null
  for db in "${PG_DBS[@]}"; do drop_postgres "$BENCH_POSTGRES_URL" "$db"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
build_release
base="http://127.0.0.1:$PORT"

# load LABEL PID ID SECRET SEEDER...: one run per concurrency against $base, each on
# freshly seeded families (node-oidc-provider's memory adapter forgets idle tokens).
load() {
  local label=$1 pid=$2 id=$3 secret=$4
  shift 4
  for c in $CONCURRENCIES; do
    "$@" >"$WORK/tokens.txt"
    timeout $((DURATION + WARMUP + 60)) "$LOADGEN" --token-url "$base/token" --client-id "$id" \
      --client-secret="$secret" --seed-file "$WORK/tokens.txt" \
      --concurrency "$c" --duration-secs "$DURATION" --warmup-secs "$WARMUP" --json >"$WORK/run.json"
    python3 - "$WORK/run.json" "$label" "$c" "$(rss_mib "$pid")" "$OUT" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
run.update(server=sys.argv[2], concurrency=int(sys.argv[3]), rss_mib=int(sys.argv[4]))
open(sys.argv[5], "a").write(json.dumps(run) + "\n")
PY
  done
}

latchkey_seed() {
  timeout 300 $BENCH seed --base "$base" --client-id "$CLIENT_ID" --client-secret="$CLIENT_SECRET" \
    --username bench --password "$PASSWORD" --redirect-uri $REDIRECT --count $SEED_COUNT
}

node_seed() {
  timeout 300 python3 "$PEER_BENCH/seed_node.py" --base "$base" --count $SEED_COUNT \
    --scope "offline_access api:read" --resource urn:bench:api --out "$WORK/node-tokens.txt" >&2
  cat "$WORK/node-tokens.txt"
}

ceiling_seed() { seq -f 'seed-%g' 1 $SEED_COUNT; }

latchkey_round() { # LABEL BINARY DATABASE_URL [CLIENT_SCOPE]
  local LATCHKEY=$2
  register "$3" "${4:-read write}"
  start_latchkey "$3" "$PORT"
  load "$1" "$SERVER_PID" "$CLIENT_ID" "$CLIENT_SECRET" latchkey_seed
  stop_latchkey
}

node_round() {
  (cd "$PEER_BENCH/node-provider" && NODE_ENV=production PORT=$PORT ADAPTER=memory AT_FORMAT=jwt \
    exec timeout 900 node server.mjs) >"$WORK/node.log" 2>&1 &
  OTHER_PID=$!
  for _ in $(seq 1 150); do
    curl -sf "$base/.well-known/openid-configuration" >/dev/null && break
    sleep 0.1
  done
  load node-oidc-memory "$(pgrep -P $OTHER_PID | head -n 1)" bench bench-secret node_seed
  kill "$OTHER_PID"; wait "$OTHER_PID" 2>/dev/null || true
  OTHER_PID=""
}

ceiling_round() {
  MODE=crypto PORT=$PORT timeout 900 "$CEILING" >"$WORK/ceiling.log" 2>&1 &
  OTHER_PID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$base/token" && break
    sleep 0.1
  done
  load ceiling "$(pgrep -P $OTHER_PID | head -n 1 || echo $OTHER_PID)" x y ceiling_seed
  kill "$OTHER_PID"; wait "$OTHER_PID" 2>/dev/null || true
  OTHER_PID=""
}

fresh_db() { # NAME
  if [ -n "${BENCH_POSTGRES_URL:-}" ] && [ "$1" = postgres ]; then
    local db
    db=$(fresh_postgres "$BENCH_POSTGRES_URL" "ratios$RANDOM")
    PG_DBS+=("$db")
    printf '%s\n' "$db"
  else
    rm -f "$WORK"/bench.db*
    printf 'sqlite://%s/bench.db\n' "$WORK"
  fi
}

servers=(latchkey-sqlite node ceiling)
[ -n "${LATCHKEY_BEFORE:-}" ] && servers+=(before-sqlite)
[ -n "${BENCH_POSTGRES_URL:-}" ] && servers+=(latchkey-postgres)
[ -n "${BENCH_POSTGRES_URL:-}" ] && [ -n "${LATCHKEY_BEFORE:-}" ] && servers+=(before-postgres)
# SERVERS="latchkey-sqlite before-sqlite" runs only those.
[ -n "${SERVERS:-}" ] && read -r -a servers <<<"$SERVERS"
for round in $(seq 1 "$ROUNDS"); do
  for server in "${servers[@]}"; do
    echo "round $round: $server" >&2
    case $server in
      latchkey-sqlite) latchkey_round latchkey-sqlite target/release/latchkey "$(fresh_db sqlite)" ;;
      latchkey-postgres) latchkey_round latchkey-postgres target/release/latchkey "$(fresh_db postgres)" ;;
      before-sqlite) latchkey_round before-sqlite "$LATCHKEY_BEFORE" "$(fresh_db sqlite)" ;;
      before-postgres) latchkey_round before-postgres "$LATCHKEY_BEFORE" "$(fresh_db postgres)" ;;
      openid-sqlite) latchkey_round openid-sqlite target/release/latchkey "$(fresh_db sqlite)" "$OPENID_SCOPE" ;;
      openid-postgres) latchkey_round openid-postgres target/release/latchkey "$(fresh_db postgres)" "$OPENID_SCOPE" ;;
      before-openid-sqlite) latchkey_round before-openid-sqlite "$LATCHKEY_BEFORE" "$(fresh_db sqlite)" "$OPENID_SCOPE" ;;
      before-openid-postgres) latchkey_round before-openid-postgres "$LATCHKEY_BEFORE" "$(fresh_db postgres)" "$OPENID_SCOPE" ;;
      node) node_round ;;
      ceiling) ceiling_round ;;
    esac
  done
done

python3 - "$OUT" <<'PY'
import json, sys, collections
runs = [json.loads(line) for line in open(sys.argv[1])]
cells = collections.defaultdict(list)
for r in runs:
    cells[(r["server"], r["concurrency"])].append(r)
def rate(server, c):
    rs = cells.get((server, c), [])
    return sum(r["refreshes_per_sec"] for r in rs) / len(rs) if rs else None
print("| server | conc | refresh/s (each round) | p50 ms | p99 ms | RSS MiB | of ceiling | vs node memory |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for (server, c), rs in sorted(cells.items()):
    mean = rate(server, c)
    ceiling, node = rate("ceiling", c), rate("node-oidc-memory", c)
    p50 = max(r["latency_ms"]["p50"] for r in rs)
    p99 = max(r["latency_ms"]["p99"] for r in rs)
    rss = max(r["rss_mib"] for r in rs)
    each = " / ".join(f"{r['refreshes_per_sec']:.0f}" for r in rs)
    errors = sum(r["errors_total"] + r["retired_users"] for r in rs)
    if errors:
        each += f" ({errors} errors)"
    of_ceiling = f"{mean / ceiling:.0%}" if ceiling else "-"
    vs_node = f"{mean / node:.1f}x" if node else "-"
    print(f"| {server} | {c} | {each} | {p50:.2f} | {p99:.2f} | {rss} | {of_ceiling} | {vs_node} |")
PY
echo "raw: $OUT"
