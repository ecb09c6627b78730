#!/usr/bin/env bash
# Where a probe per call spends its time: firebreak (packaged jar, JDK 17, FIREBREAK_CONFIRM_SHARE_WINDOW=0s)
# against the same 1,000,000-row target as bench/confirm.sh, warmed up, then wrk -t2 -c16 at saturation
# while JFR records. Prints the CPU per request of each process (the JVM, the target's backends, the ops
# database's backends, wrk) and the JVM's CPU samples by layer (bench/jfr-summary.py), side by side
# with the edge-function peer's CPU per request under the same load.
# Usage: bench/profile.sh   (BENCH_DURATION seconds recorded, default 20; BENCH_WARMUP, default 40).
# Writes bench/results/<date>-profile.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need wrk psql curl python3
PEER=${BENCH_PEER:-$(cd .. && pwd)/shared/peers/edge-confirm}
[ -d "$PEER" ] || PEER=$(cd ../.. && pwd)/shared/peers/edge-confirm
D=${BENCH_DURATION:-20}
WARM=${BENCH_WARMUP:-40}
OUT=bench/results/$(date -u +%F)-profile.md
PEER_PORT=8787
trap cleanup EXIT

echo "fixture: 200 tenants, 1,000,000 audit_logs rows over 30 days..."
target_fixture firebreak_bench_target
ops_database firebreak_bench_ops
build_jar

# CPU ticks of the postgres backends connected to one database (by their process title).
db_ticks() { # database
  local total=0 p t
  for p in $(pgrep -f "postgres: .* $1 "); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); total=$((total + t))
  done
  echo "$total"
}

# Saturation with CPU per request: prints "rps p99 server target ops wrk" (ms of CPU per request).
measure() { # pid url
  local pid=$1 url=$2 s0 t0 o0 s1 t1 o1 rps p99 wrk_ticks hz
  hz=$(getconf CLK_TCK)
  wrk -t2 -c16 -d"${WARM}s" -H "Authorization: Bearer $TOKEN" "$url" >/dev/null 2>&1
  s0=$(cpu_ticks "$pid"); t0=$(db_ticks firebreak_bench_target); o0=$(db_ticks firebreak_bench_ops)
  [ -n "${JFR_PID:-}" ] && jcmd "$JFR_PID" JFR.start name=bench settings=profile >/dev/null
  # wrk's own CPU: the user+system time of this (sub)shell's reaped children, before and after it.
  local me=$BASHPID before after
  before=$(awk '{print $16 + $17}' "/proc/$me/stat")
  wrk -t2 -c16 -d"${D}s" --latency -H "Authorization: Bearer $TOKEN" "$url" >"$WORK/out" 2>&1
  after=$(awk '{print $16 + $17}' "/proc/$me/stat")
  [ -n "${JFR_PID:-}" ] && jcmd "$JFR_PID" JFR.stop name=bench filename="$WORK/rec.jfr" >/dev/null
  s1=$(cpu_ticks "$pid"); t1=$(db_ticks firebreak_bench_target); o1=$(db_ticks firebreak_bench_ops)
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/out")
  p99=$(awk '/ 99%/ {v=$2; if (v ~ /us$/) v=v/1000; else if (v ~ /ms$/) v=v+0; else if (v ~ /s$/) v=v*1000; print v}' "$WORK/out")
  awk -v r="$rps" -v p="$p99" -v d="$D" -v hz="$hz" -v s=$((s1 - s0)) -v t=$((t1 - t0)) -v o=$((o1 - o0)) \
    -v w=$((after - before)) 'BEGIN {n = r * d; k = 1000 / hz / n;
      printf "%.0f %.1f %.3f %.3f %.3f %.3f", r, p, s * k, t * k, o * k, w * k}'
}

row() { # stack measure-output
  local stack=$1; shift
  read -r rps p99 srv tgt ops wrk_ms <<<"$*"
  total=$(awk -v a="$srv" -v b="$tgt" -v c="$ops" -v d="$wrk_ms" 'BEGIN {printf "%.3f", a + b + c + d}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$stack" "$rps" "$p99" "$srv" "$tgt" "$ops" "$wrk_ms" "$total" \
    | tee -a "$WORK/rows"
}
: >"$WORK/rows"

target="$PG/firebreak_bench_target"
echo "firebreak, a probe per call, JFR..."
# JFR runs from the start (a recording started later re-instruments the JDK's classes and deoptimises
# the warmed-up code, which costs several times the probe itself); the measured window is a second
# recording over the same, already enabled, events.
start_firebreak "$PG/firebreak_bench_ops" "$target" FIREBREAK_MIGRATE_AT_START=true FIREBREAK_CONFIRM_SHARE_WINDOW=0s \
  JAVA_TOOL_OPTIONS="-XX:StartFlightRecording=name=base,settings=profile,disk=false,maxsize=64m"
JFR_PID=$FB_PID
row "firebreak (a probe per call)" "$(measure "$FB_PID" "http://127.0.0.1:$FB_PORT/confirm-outage")"
JFR_PID=
kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true

echo "edge function..."
(cd "$PEER" && TARGET_DATABASE_URL="$target" PORT=$PEER_PORT exec ./start.sh >"$WORK/peer.log" 2>&1) &
peer=$!; PIDS+=("$peer")
wait_http "http://127.0.0.1:$PEER_PORT/confirm-outage" "$peer"
# The Deno process is start.sh's child (exec), so $peer is the server itself.
row "edge function" "$(measure "$peer" "http://127.0.0.1:$PEER_PORT/confirm-outage")"
kill "$peer"; wait "$peer" 2>/dev/null || true

"$JDK/bin/jfr" print --stack-depth 200 --events jdk.ExecutionSample "$WORK/rec.jfr" >"$WORK/samples.txt"
"$JDK/bin/jfr" print --events jdk.GarbageCollection "$WORK/rec.jfr" >"$WORK/gc.txt"
"$JDK/bin/jfr" print --events jdk.ObjectAllocationSample "$WORK/rec.jfr" >"$WORK/alloc.txt"

{
  echo "# Where a probe per call spends its time — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version'), JDK 17;"
  echo "target: 200 tenants, 1,000,000 audit_logs rows. Each stack warmed up ${WARM} s, then ${D} s of wrk -t2 -c16 measured."
  echo "CPU per request in ms: the server process, the target database's backends, the ops database's backends (firebreak"
  echo "records every probe; the edge function records nothing), wrk itself. Two cores: 2,000 ms of CPU per second in all."
  echo
  echo "| stack | req/s | p99 ms | server | target db | ops db | wrk | total CPU ms/req |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$WORK/rows"
  echo
  echo "## firebreak's JVM during the measured ${D} s"
  echo
  python3 bench/jfr-summary.py "$WORK/samples.txt" "$WORK/gc.txt" "$WORK/alloc.txt" "$D"
} >"$OUT"
echo; cat "$OUT"
