#!/usr/bin/env bash
# The public status page under an incident's traffic spike: summary.json with wrk (2 threads,
# 16 connections), side by side in one run with the same page rendered on every request (the
# peer: FIREBREAK_STATUS_CACHE=0s, what a page without the in-memory rendering would cost), plus
# the conditional GET (If-None-Match -> 304) that browsers and CDNs repeat, and the HTML page.
# The page holds one public incident, a maintenance and 5 components; probes cover the 90 days.
# The load generator shares the 2 cores with the server: numbers are for comparison.
# Usage: bench/status.sh   (BENCH_DURATION seconds per phase, default 15). Prints the table and
# writes it to bench/results/<date>-status.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need wrk psql curl
D=${BENCH_DURATION:-15}
OUT=bench/results/$(date -u +%F)-status.md
trap cleanup EXIT

psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS firebreak_bench_status_target WITH (FORCE)" \
  -c "CREATE DATABASE firebreak_bench_status_target"
psql -q -v ON_ERROR_STOP=1 -d "$PG/firebreak_bench_status_target" -f src/test/resources/db/target-contract/V1__contract.sql
ops_database firebreak_bench_status_ops
build_jar

# One phase: "rps p50 p99 max" (ms) from wrk --latency. Args: label url [header]
phase() {
  local label=$1 url=$2 header=${3:-}
  if [ -n "$header" ]; then
    wrk -t2 -c16 -d"${D}s" --latency -H "$header" "$url" >"$WORK/out" 2>&1
  else
    wrk -t2 -c16 -d"${D}s" --latency "$url" >"$WORK/out" 2>&1
  fi
  awk -v label="$label" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)}
    /Latency/ && !max {max=ms($4)}
    /Non-2xx or 3xx/ {bad=$5}
    END {printf "| %s | %.0f | %.2f | %.2f | %.2f | %s |\n", label, rps, p50, p99, max, bad ? bad : 0}' "$WORK/out"
}

run() { # label cache
  local label=$1 cache=$2 base="http://127.0.0.1:$FB_PORT"
  start_firebreak "$PG/firebreak_bench_status_ops" "$PG/firebreak_bench_status_target" FIREBREAK_MIGRATE_AT_START=true \
    FIREBREAK_STATUS_CACHE="$cache" FIREBREAK_STATUS_EXPORT_CRON=off
  if [ "$label" = "cached" ]; then
    psql -q -d "$PG/firebreak_bench_status_ops" -c "INSERT INTO confirmations (at, trigger, verdict, took_ms, checks)
      SELECT now() - make_interval(mins => m), 'schedule', 'healthy', 12.5, '[]'::jsonb FROM generate_series(0, 129600, 10) m"
    curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$base/declare-incident" \
      -d '{"title":"Pool exhausted","severity":"P1","impact":"checkout fails","public":{"title":"Checkout errors","text":"We are investigating failed checkouts.","components":{"api":"major_outage"}}}'
    now=$(date -u +%FT%TZ); later=$(date -u -d '+2 hours' +%FT%TZ)
    curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$base/schedule-maintenance" \
      -d "{\"title\":\"OCR upgrade\",\"text\":\"Pauses.\",\"components\":[\"documents\"],\"startsAt\":\"$now\",\"endsAt\":\"$later\"}"
  fi
  curl -sf -o /dev/null "$base/status/api/v2/summary.json"
  local etag
  etag=$(curl -sfI "$base/status/api/v2/summary.json" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  # Warm-up (not measured): the JIT compiles the serving path first, as it has on a page that has been up a while.
  wrk -t2 -c16 -d"${WARMUP:-5}s" "$base/status/api/v2/summary.json" >/dev/null 2>&1
  wrk -t2 -c16 -d"${WARMUP:-5}s" "$base/status/index.html" >/dev/null 2>&1
  phase "$label: summary.json" "$base/status/api/v2/summary.json" >>"$WORK/rows"
  phase "$label: summary.json, If-None-Match (304)" "$base/status/api/v2/summary.json" "If-None-Match: $etag" >>"$WORK/rows"
  phase "$label: index.html" "$base/status/index.html" >>"$WORK/rows"
  echo "| $label: RSS after | $(rss_mib "$FB_PID") MiB | | | | |" >>"$WORK/rows"
  kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
}

: >"$WORK/rows"
echo "firebreak with the rendering cached (default 5 s), then the peer rendering every request..."
run cached 5s
run "render per request (peer)" 0s

{
  echo "# status page, $(date -u +%F), ${D}s per phase, wrk -t2 -c16"
  echo
  echo "| phase | req/s | p50 ms | p99 ms | max ms | non-2xx/3xx |"
  echo "|---|---:|---:|---:|---:|---:|"
  cat "$WORK/rows"
} | tee "$OUT"
