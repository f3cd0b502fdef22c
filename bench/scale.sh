#!/usr/bin/env bash
# The refresh grant with data already stored: for each size in SIZES, a fresh database
# stocked with that many families (half expired, half live), then 16 clients refreshing
# for DURATION seconds; the same 16 families again once they are thousands of generations
# old (rate, and how much the database grew while they rotated); then the same again while
# `latchkey purge` removes the expired half, and what the purge took. SQLite by default; DATABASE=postgres with
# BENCH_POSTGRES_URL (an admin URL) for PostgreSQL. Loopback only, bounded in time.
#
#   SIZES="1000 100000 1000000" bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

SIZES=${SIZES:-"1000 100000 1000000"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONCURRENCY=${CONCURRENCY:-16}
PORT=${PORT:-8182}
DATABASE=${DATABASE:-sqlite}
WORK=$(mktemp -d)
SERVER_WRAPPER=""
DB_URL=""
cleanup() {
  stop_latchkey
  if [ "$DATABASE" = postgres ] && [ -n "$DB_URL" ]; then drop_postgres "$BENCH_POSTGRES_URL" "$DB_URL"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
build_release
base="http://127.0.0.1:$PORT"

load() { # LABEL
  timeout $((DURATION + WARMUP + 60)) $BENCH refresh --base "$base" --client-id "$CLIENT_ID" \
    --client-secret="$CLIENT_SECRET" --seed-file "$WORK/tokens.txt" --save-tokens "$WORK/tokens.txt" \
    --concurrency "$CONCURRENCY" --duration-secs "$DURATION" --warmup-secs "$WARMUP" | sed "s/^/$1 /"
}

# The highest generation any family reached, and the bytes the families take.
max_generation() { query "SELECT MAX(generation) FROM refresh_token_families"; }
db_bytes() {
  if [ "$DATABASE" = postgres ]; then
    query "SELECT pg_total_relation_size('refresh_token_families') + pg_total_relation_size('legacy_refresh_tokens')"
  else
    query "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
  fi
}
query() {
  if [ "$DATABASE" = postgres ]; then
    psql "${DB_URL}" -qtAc "$1"
  else
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
      "${DB_URL#sqlite://}" "$1"
  fi
}

printf 'database=%s concurrency=%s\n' "$DATABASE" "$CONCURRENCY"
for size in $SIZES; do
  if [ "$DATABASE" = postgres ]; then
    DB_URL=$(fresh_postgres "$BENCH_POSTGRES_URL" "scale$size")
  else
    rm -f "$WORK"/scale.db*
    DB_URL="sqlite://$WORK/scale.db"
  fi
  register "$DB_URL"
  timeout 3600 $BENCH stock --database-url "$DB_URL" --username bench --client-id "$CLIENT_ID" --count "$size"
  start_latchkey "$DB_URL" "$PORT"
  timeout 300 $BENCH seed --base "$base" --client-id "$CLIENT_ID" --client-secret="$CLIENT_SECRET" \
    --username bench --password "$PASSWORD" --redirect-uri $REDIRECT --count "$CONCURRENCY" >"$WORK/tokens.txt"
  load "families=$size rss=$(rss_mib "$SERVER_PID")MiB"
  printf 'families=%s rss after the load: %s MiB\n' "$size" "$(rss_mib "$SERVER_PID")"
  # Long histories: the same 16 families again, now thousands of generations old. A
  # family's storage and its rotation cost must not depend on how often it rotated.
  before=$(db_bytes)
  load "families=$size at-generation-$(max_generation)"
  printf 'families=%s generation %s; database grew by %s bytes during that run\n' \
    "$size" "$(max_generation)" "$(( $(db_bytes) - before ))"
  # The same load with a purge of the expired half running beside it.
  ( sleep "$WARMUP"; start=$(date +%s.%N)
    timeout 1800 $LATCHKEY --database-url "$DB_URL" purge >"$WORK/purge.txt" 2>&1
    echo "$start $(date +%s.%N)" >"$WORK/purge.time" ) &
  purge=$!
  load "families=$size during-purge"
  wait $purge
  read -r t0 t1 <"$WORK/purge.time"
  printf 'families=%s purge took %.1f s: %s\n' "$size" "$(echo "$t1 - $t0" | bc)" "$(tr '\n' ' ' <"$WORK/purge.txt")"
  stop_latchkey
  if [ "$DATABASE" = postgres ]; then drop_postgres "$BENCH_POSTGRES_URL" "$DB_URL"; DB_URL=""; fi
done
