#!/usr/bin/env bash
# Measures the refresh_token grant of a release build with the peer benchmark's load
# generator (refresh-load), so that Latchkey and node-oidc-provider are measured by the
# same client. Everything runs on 127.0.0.1; every run is bounded in time.
#
#   REFRESH_LOAD=path/to/refresh-load bench/refresh-load.sh            # SQLite
#   DATABASE=postgres://postgres@127.0.0.1/bench bench/refresh-load.sh # PostgreSQL (must exist, empty)
#
# Knobs: CONCURRENCIES="1 16 64", DURATION=15, WARMUP=2, SEED_COUNT=64, PORT=8181.
set -euo pipefail
cd "$(dirname "$0")/.."

REFRESH_LOAD=${REFRESH_LOAD:-../shared/peer-bench/loadgen/target/release/refresh-load}
CONCURRENCIES=${CONCURRENCIES:-"1 16 64"}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-2}
SEED_COUNT=${SEED_COUNT:-64}
PORT=${PORT:-8181}
work=$(mktemp -d)
DATABASE=${DATABASE:-sqlite://$work/bench.db}
BASE=http://127.0.0.1:$PORT
REDIRECT=http://127.0.0.1:9/cb

[ -x "$REFRESH_LOAD" ] || { echo "refresh-load not found at $REFRESH_LOAD (build ../shared/peer-bench/loadgen first)" >&2; exit 1; }
cargo build --release -q --bin latchkey --example seed_refresh_tokens
LATCHKEY=target/release/latchkey
SEED=target/release/examples/seed_refresh_tokens
export LATCHKEY_DATABASE_URL=$DATABASE

echo 'bench password 1' | timeout 60 $LATCHKEY user create bench --password-stdin >/dev/null
client=$(timeout 60 $LATCHKEY client create --name bench --redirect-uri $REDIRECT --skip-consent --scope "read write" --json)
client_id=$(printf '%s' "$client" | sed -n 's/.*"client_id": "\([^"]*\)".*/\1/p')
client_secret=$(printf '%s' "$client" | sed -n 's/.*"client_secret": "\([^"]*\)".*/\1/p')

LATCHKEY_BIND=127.0.0.1:$PORT LATCHKEY_LOG_FORMAT=json RUST_LOG=warn \
  timeout $(( (DURATION + WARMUP + 30) * 4 + 60 )) $LATCHKEY serve 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
latchkey_pid=$(pgrep -P $server | head -n 1)

printf 'database=%s\n' "${DATABASE%%://*}"
for concurrency in $CONCURRENCIES; do
  # Fresh families per run: each run consumes its seeds.
  timeout 120 $SEED "$BASE" bench 'bench password 1' "$client_id" "$client_secret" $REDIRECT "$SEED_COUNT" > "$work/tokens.txt"
  timeout $(( DURATION + WARMUP + 30 )) "$REFRESH_LOAD" --token-url "$BASE/token" \
    --client-id "$client_id" --client-secret "$client_secret" --seed-file "$work/tokens.txt" \
    --concurrency "$concurrency" --duration-secs "$DURATION" --warmup-secs "$WARMUP" --json \
    > "$work/result-$concurrency.json"
  python3 - "$work/result-$concurrency.json" "$concurrency" "$latchkey_pid" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rss = 0
with open(f"/proc/{sys.argv[3]}/status") as f:
    for line in f:
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) // 1024
lat = r["latency_ms"]
print(f"c={sys.argv[2]:>3}  refresh/s={r['refreshes_per_sec']:.0f}  p50={lat['p50']:.2f}ms  p90={lat['p90']:.2f}ms  p99={lat['p99']:.2f}ms  max={lat['max']:.1f}ms  errors={r['errors_total']}  not_rotated={r['not_rotated']}  rss={rss}MB")
PY
done
