#!/usr/bin/env bash
# confirm-outage under load, side by side with what the seeds' teams run today: firebreak (packaged
# jar, JDK 17), the Supabase-style edge function of ../shared/peers/edge-confirm (Deno + postgres.js,
# pool 10) doing the same checks, and the manual way (psql running seed 000's Step 1 queries).
# Each runs against a target with 200 tenants and 1,000,000 audit_logs rows over 30 days, directly
# and through pgbouncer in transaction mode (port 6543). Fixed rates with hey (10 workers, -q per
# worker: more workers add client-side jitter on 2 cores, see the harness-floor row), the
# saturation with wrk; CPU is the server process's user+system time over the phase, RSS after it.
# The load generator shares the 2 cores with the server: the numbers are for comparison, not capacity.
# Usage: bench/confirm.sh   (BENCH_DURATION seconds per phase, default 20; BENCH_WARMUP seconds of
# saturation before each stack's phases, default 30). Prints the tables and
# writes them to bench/results/<date>-confirm.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need hey wrk psql pgbouncer curl
PEER=${BENCH_PEER:-$(cd .. && pwd)/shared/peers/edge-confirm}
[ -d "$PEER" ] || PEER=$(cd ../.. && pwd)/shared/peers/edge-confirm
D=${BENCH_DURATION:-20}
WARM=${BENCH_WARMUP:-30}
OUT=bench/results/$(date -u +%F)-confirm.md
PEER_PORT=8787
trap cleanup EXIT
: >"$WORK/rows"; : >"$WORK/notes"

echo "fixture: 200 tenants, 1,000,000 audit_logs rows over 30 days..."
target_fixture firebreak_bench_target
ops_database firebreak_bench_ops
build_jar
start_pgbouncer

# One load phase against url: prints "rps p50 p99 max errors cpu% rss" (ms). Args: label pid url tool args...
phase() {
  local label=$1 pid=$2 url=$3 tool=$4; shift 4
  local t0 t1 c0 c1 line
  c0=$(cpu_ticks "$pid"); t0=$(date +%s%N)
  if [ "$tool" = hey ]; then
    hey -z "${D}s" "$@" -H "Authorization: Bearer $TOKEN" "$url" >"$WORK/out" 2>&1
    t1=$(date +%s%N); c1=$(cpu_ticks "$pid")
    line=$(awk '
      /Requests\/sec/ {rps=$2}
      /Slowest:/ {max=$2*1000}
      / 50% in / {p50=$3*1000}
      / 99% in / {p99=$3*1000}
      /Status code distribution/ {sec="status"; next}
      /Error distribution/ {sec="error"; next}
      sec == "status" && /\[[0-9]+\]/ {c=$1; gsub(/[^0-9]/, "", c); if (c != 200) err += $2}
      sec == "error" && /\[[0-9]+\]/ {n=$1; gsub(/[^0-9]/, "", n); err += n}
      END {printf "%.0f %.2f %.2f %.2f %d", rps, p50, p99, max, err}' "$WORK/out")
  else
    wrk -t2 -c64 -d"${D}s" --latency -H "Authorization: Bearer $TOKEN" "$url" >"$WORK/out" 2>&1
    t1=$(date +%s%N); c1=$(cpu_ticks "$pid")
    line=$(awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      /Requests\/sec/ {rps=$2}
      /^    Latency/ {max=ms($4)}
      / 50%/ {p50=ms($2)}
      / 99%/ {p99=ms($2)}
      /Non-2xx or 3xx responses/ {err+=$5}
      /Socket errors/ {split($0, a, /[ ,]+/); for (i in a) if (a[i] ~ /^[0-9]+$/) err += a[i]}
      END {printf "%.0f %.2f %.2f %.2f %d", rps, p50, p99, max, err}' "$WORK/out")
  fi
  local cpu
  cpu=$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.0f", 100 * (b - a) / hz / ((t1 - t0) / 1e9)}')
  echo "$label $line $cpu $(rss_mib "$pid")"
}

row() { # stack path phase-output
  local stack=$1 path=$2; shift 2
  read -r load rps p50 p99 max err cpu rss <<<"$*"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$stack" "$path" "$load" "$rps" "$p50" "$p99" "$max" \
    "$err" "$cpu" "$rss" | tee -a "$WORK/rows"
}

load_all() { # stack path pid url
  local stack=$1 path=$2 pid=$3 url=$4
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$url" || { echo "$stack via $path does not answer" >&2; }
  # Warm-up, the same for every stack: the JVM's JIT (and Deno's) compile the hot path in the first
  # tens of thousands of calls; measured before that, a JVM probe costs up to twice its warmed-up CPU.
  hey -n 500 -c 10 -H "Authorization: Bearer $TOKEN" "$url" >/dev/null 2>&1 || true
  wrk -t2 -c64 -d"${WARM}s" -H "Authorization: Bearer $TOKEN" "$url" >/dev/null 2>&1 || true
  row "$stack" "$path" "$(phase 100/s "$pid" "$url" hey -c 10 -q 10)"
  row "$stack" "$path" "$(phase 1000/s "$pid" "$url" hey -c 10 -q 100)"
  row "$stack" "$path" "$(phase saturation "$pid" "$url" wrk)"
}

for path in direct pgbouncer; do
  port=5432; [ "$path" = pgbouncer ] && port=6543
  target="postgresql://postgres@127.0.0.1:$port/firebreak_bench_target"
  ops="$PG/firebreak_bench_ops"
  echo "firebreak, $path..."
  start_firebreak "$ops" "$target" FIREBREAK_MIGRATE_AT_START=true
  before=$(psql -tA -d "$ops" -c 'SELECT count(*) FROM confirmations')
  load_all "firebreak (shared probe, 1 s)" "$path" "$FB_PID" "http://127.0.0.1:$FB_PORT/confirm-outage"
  # The harness's own floor: the same load on an endpoint that does nothing (no token, no database).
  row "harness floor: /q/health/live" "$path" "$(phase 1000/s "$FB_PID" "http://127.0.0.1:$FB_PORT/q/health/live" hey -c 10 -q 100)"
  echo "| firebreak: $(( $(psql -tA -d "$ops" -c 'SELECT count(*) FROM confirmations') - before )) probes recorded, $path, for all the shared-probe calls above" \
    >>"$WORK/notes"
  kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
  echo "firebreak without sharing, $path..."
  start_firebreak "$ops" "$target" FIREBREAK_CONFIRM_SHARE_WINDOW=0s
  load_all "firebreak (a probe per call)" "$path" "$FB_PID" "http://127.0.0.1:$FB_PORT/confirm-outage"
  RSS_AFTER=$(rss_mib "$FB_PID")
  echo "| firebreak, $path: RSS after every phase above (>10,000 requests): $RSS_AFTER MiB" >>"$WORK/notes"
  kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
  echo "edge function, $path..."
  (cd "$PEER" && TARGET_DATABASE_URL="$target" PORT=$PEER_PORT exec ./start.sh >"$WORK/peer.log" 2>&1) &
  peer=$!; PIDS+=("$peer")
  wait_http "http://127.0.0.1:$PEER_PORT/confirm-outage" "$peer"
  load_all "edge function" "$path" "$peer" "http://127.0.0.1:$PEER_PORT/confirm-outage"
  kill "$peer"; wait "$peer" 2>/dev/null || true
done

# The manual way: psql running seed 000's Step 1 queries, one engineer (sequential) and two at once.
echo "psql..."
step1() {
  psql -X -q -At -d "$1" -c "SELECT COUNT(*) FROM public.tenants" \
    -c "SELECT action_type, COUNT(*) FROM public.audit_logs WHERE created_at > now() - interval '10 minutes' GROUP BY action_type" >/dev/null
}
export -f step1
for path in direct pgbouncer; do
  port=5432; [ "$path" = pgbouncer ] && port=6543
  url="postgresql://postgres@127.0.0.1:$port/firebreak_bench_target"
  : >"$WORK/psql-times"
  t0=$(date +%s%N)
  for _ in $(seq 1 200); do
    s=$(date +%s%N); step1 "$url"; e=$(date +%s%N); echo $(( (e - s) / 1000 )) >>"$WORK/psql-times"
  done
  t1=$(date +%s%N)
  read -r p50 p99 max <<<"$(sort -n "$WORK/psql-times" | awk '{a[NR]=$1} END {printf "%.2f %.2f %.2f", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[NR]/1000}')"
  rps=$(awk -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.0f", 200 / ((t1 - t0) / 1e9)}')
  printf '| psql (seed Step 1) | %s | sequential | %s | %s | %s | %s | 0 | - | - |\n' "$path" "$rps" "$p50" "$p99" "$max" | tee -a "$WORK/rows"
  t0=$(date +%s%N)
  seq 1 400 | xargs -P 2 -I{} bash -c "step1 $url"
  t1=$(date +%s%N)
  printf '| psql (seed Step 1) | %s | saturation (2 at once) | %s | - | - | - | 0 | - | - |\n' "$path" \
    "$(awk -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.0f", 400 / ((t1 - t0) / 1e9)}')" | tee -a "$WORK/rows"
done

{
  echo "# confirm-outage under load — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version'),"
  echo "pgbouncer $(pgbouncer --version | head -1 | awk '{print $2}') (transaction mode), JDK 17 ($JDK), Deno $("$PEER/node_modules/.bin/deno" --version | head -1 | awk '{print $2}'), hey and wrk on the same 2 cores."
  echo "Target: 200 tenants, $(psql -tA -d "$PG/firebreak_bench_target" -c 'SELECT count(*) FROM audit_logs') audit_logs rows over 30 days, the contract's indexes."
  echo "Each stack warmed up with 500 calls and ${WARM} s of wrk -c64 before its phases. Each phase ${D} s. Fixed rates: hey with 10 workers (-q 10 or 100 per worker); saturation: wrk -t2 -c64. Latency in ms;"
  echo "errors = non-200 answers and socket errors; CPU = the server process's CPU over the phase (100 = one core); RSS after the phase."
  echo "firebreak records every probe in its ops database; with the default share window (FIREBREAK_CONFIRM_SHARE_WINDOW=1s)"
  echo "calls in flight or within 1 s of a probe take its answer (shared: true), so the target sees one probe per second;"
  echo "\"a probe per call\" (0s) is the like-for-like comparison with the edge function, which probes on every call and records nothing."
  echo
  echo "| stack | path | load | req/s | p50 | p99 | max | errors | CPU % | RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  cat "$WORK/rows"
  echo
  sed 's/^| //' "$WORK/notes"
} >"$OUT"
echo; cat "$OUT"
