# Shared by the benchmark scripts: build once, start and stop a release Latchkey on
# 127.0.0.1, register the bench user and client, read a process's RSS. Every server is
# started under `timeout` and stopped by its PID when the script exits.

# LATCHKEY_BIN runs another build (an older commit's, for before/after figures).
LATCHKEY=${LATCHKEY_BIN:-target/release/latchkey}
BENCH=target/release/examples/bench
REDIRECT=http://127.0.0.1:9/cb
PASSWORD='bench password 1'

build_release() {
  cargo build --release -q --bin latchkey --example bench
}

# A fresh PostgreSQL database next to the one in $1 (an admin URL, whose query string,
# e.g. ?sslmode=disable, the new URL keeps); prints its URL.
fresh_postgres() {
  local admin=$1 name="latchkey_bench_$$_$2"
  local path=${admin%%\?*}
  local query=${admin#"$path"}
  psql "$admin" -qtAc "DROP DATABASE IF EXISTS $name" 2>/dev/null >/dev/null
  psql "$admin" -qtAc "CREATE DATABASE $name" >/dev/null
  printf '%s\n' "${path%/*}/$name$query"
}

drop_postgres() {
  local path=${2%%\?*}
  psql "$1" -qtAc "DROP DATABASE IF EXISTS ${path##*/} WITH (FORCE)" >/dev/null
}

# Registers user `bench` and a confidential client with scope $2 (default "read write";
# families are seeded with all of it); sets CLIENT_ID and CLIENT_SECRET.
register() {
  echo "$PASSWORD" | timeout 60 $LATCHKEY --database-url "$1" user create bench --password-stdin >/dev/null
  local client
  client=$(timeout 60 $LATCHKEY --database-url "$1" client create --name bench --redirect-uri $REDIRECT \
    --skip-consent --scope "${2:-read write}" --grant-type authorization_code --grant-type refresh_token \
    --grant-type client_credentials --json)
  CLIENT_ID=$(printf '%s' "$client" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
  CLIENT_SECRET=$(printf '%s' "$client" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
}

# Starts `latchkey serve` on $2 against database $1; sets SERVER_PID (the server itself,
# not the timeout wrapper) and waits for /healthz.
start_latchkey() {
  LATCHKEY_DATABASE_URL=$1 LATCHKEY_BIND=127.0.0.1:$2 LATCHKEY_LOG_FORMAT=json RUST_LOG=warn \
    timeout 1800 $LATCHKEY serve >"$WORK/serve-$2.log" 2>&1 &
  local wrapper=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && break
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$2/healthz" >/dev/null || { cat "$WORK/serve-$2.log" >&2; exit 1; }
  SERVER_PID=$(pgrep -P $wrapper | head -n 1)
  SERVER_WRAPPER=$wrapper
}

stop_latchkey() {
  kill "$SERVER_WRAPPER" 2>/dev/null || true
  wait "$SERVER_WRAPPER" 2>/dev/null || true
}

rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
