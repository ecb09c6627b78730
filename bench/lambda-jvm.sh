#!/usr/bin/env bash
# confirm-outage in a Lambda-sized JVM: the packaged HTTP jar with the JVM limited as Lambda limits
# it (-XX:MaxRAM = the function's MemorySize, 256 and 512 MB) plus the JAVA_TOOL_OPTIONS the
# template gives every JVM function (read from infra/template.yaml, never a copy), under wrk -c16,
# with a probe per call (FIREBREAK_CONFIRM_SHARE_WINDOW=0s) and with the shared default. Reports
# req/s, p50/p99, peak RSS (VmHWM), GC count and time over the phase (jstat), and OOMs (none allowed).
# A Lambda of 256-512 MB has a fraction of a vCPU and a VM of that memory, where the JVM's own
# ergonomics pick the serial collector; on this 23 GiB machine they pick G1, so the template pins it.
# Extra rows: the 1-vCPU case (-XX:ActiveProcessorCount=1, the JVM pinned to one core), and any
# candidate options given in LAMBDA_JVM_CANDIDATES ("label=options;label=options": confirm-outage's
# memory with both probe modes, and 512 MB with a probe per call).
# Usage: bench/lambda-jvm.sh [runs]   (BENCH_DURATION seconds per phase, default 15; runs default 3,
# medians reported). Writes bench/results/<date>-lambda-jvm.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need wrk psql curl python3 taskset
RUNS=${1:-3}
D=${BENCH_DURATION:-15}
OUT=bench/results/$(date -u +%F)-lambda-jvm.md
TARGET_DB=${BENCH_LAMBDA_TARGET_DB:-firebreak_bench_lambda_target}
OPS_DB=${BENCH_LAMBDA_OPS_DB:-firebreak_bench_lambda_ops}
trap cleanup EXIT
: >"$WORK/rows"

# The template's JVM options (the java21 branch of Globals' JAVA_TOOL_OPTIONS) and confirm-outage's memory.
TEMPLATE_OPTS=$(python3 -c '
import yaml
t = yaml.safe_load(open("infra/template.yaml"))
v = t["Globals"]["Function"]["Environment"]["Variables"]["JAVA_TOOL_OPTIONS"]
print(v["Fn::If"][2] if isinstance(v, dict) else v)')
CONFIRM_MB=$(python3 -c '
import yaml
m = yaml.safe_load(open("functions.yaml"))
print(next(f["memoryMb"] for f in m["functions"] if f["id"] == "confirm-outage"))')
echo "template JAVA_TOOL_OPTIONS: $TEMPLATE_OPTS; confirm-outage memoryMb: $CONFIRM_MB"

if [ "$(psql -tA -d "$PG/$TARGET_DB" -c 'SELECT count(*) FROM audit_logs' 2>/dev/null || echo 0)" != 1000000 ]; then
  echo "fixture: 200 tenants, 1,000,000 audit_logs rows over 30 days..."
  target_fixture "$TARGET_DB"
fi
ops_database "$OPS_DB"
build_jar
# The ops schema once, outside the measured runs (a Lambda cold start never migrates either).
start_firebreak "$PG/$OPS_DB" "$PG/$TARGET_DB" FIREBREAK_MIGRATE_AT_START=true
kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true

gc_total() { # pid: "collections seconds" so far (young + full + concurrent)
  "$JDK/bin/jstat" -gc "$1" | awk 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i}
    NR == 2 {printf "%d %.3f", $h["YGC"] + $h["FGC"] + ($h["CGC"] ? $h["CGC"] : 0), $h["GCT"]}'
}

# One run: start, warm up, load; prints "rps p50 p99 errors peak-rss gc-count gc-ms oom". Args: mb opts share cpus
one() {
  local mb=$1 opts=$2 share=$3 cpus=$4 g0 g1 line oom=no
  start_firebreak "$PG/$OPS_DB" "$PG/$TARGET_DB" FIREBREAK_MIGRATE_AT_START=false \
    FIREBREAK_CONFIRM_SHARE_WINDOW="$share" JAVA_TOOL_OPTIONS="-XX:MaxRAM=${mb}m $opts"
  [ "$cpus" = all ] || taskset -a -p -c "$cpus" "$FB_PID" >/dev/null
  local url="http://127.0.0.1:$FB_PORT/confirm-outage"
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$url" || echo "confirm-outage does not answer" >&2
  wrk -t2 -c16 -d5s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null 2>&1 || true   # warm-up
  g0=$(gc_total "$FB_PID")
  wrk -t2 -c16 -d"${D}s" --latency -H "Authorization: Bearer $TOKEN" "$url" >"$WORK/out" 2>&1 || true
  if kill -0 "$FB_PID" 2>/dev/null; then g1=$(gc_total "$FB_PID"); else g1="$g0"; oom=died; fi
  grep -q OutOfMemoryError "$WORK/firebreak.log" && oom=yes
  line=$(awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ {rps=$2}
    / 50%/ {p50=ms($2)}
    / 99%/ {p99=ms($2)}
    /Non-2xx or 3xx responses/ {err+=$5}
    /Socket errors/ {split($0, a, /[ ,]+/); for (i in a) if (a[i] ~ /^[0-9]+$/) err += a[i]}
    END {printf "%.0f %.2f %.2f %d", rps, p50, p99, err}' "$WORK/out")
  local peak=-
  [ "$oom" = died ] || peak=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$FB_PID/status")
  kill "$FB_PID" 2>/dev/null; wait "$FB_PID" 2>/dev/null || true
  read -r n0 t0 <<<"$g0"; read -r n1 t1 <<<"$g1"
  echo "$line $peak $((n1 - n0)) $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) * 1000}') $oom"
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

row() { # label mb opts share cpus
  local label=$1 mb=$2 opts=$3 share=$4 cpus=$5 runs=() r
  echo "$label, ${mb} MB, share $share..."
  for _ in $(seq 1 "$RUNS"); do runs+=("$(one "$mb" "$opts" "$share" "$cpus")"); done
  col() { printf '%s\n' "${runs[@]}" | awk -v c="$1" '{print $c}' | median; }
  local ooms
  ooms=$(printf '%s\n' "${runs[@]}" | awk '$8 != "no" {n++} END {print n + 0}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$mb" \
    "$([ "$share" = 0s ] && echo 'a probe per call' || echo 'shared (1 s)')" "$(col 1)" "$(col 2)" "$(col 3)" \
    "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" "$ooms" | tee -a "$WORK/rows"
  printf '%s\n' "${runs[@]}" | sed "s/^/    $label $mb $share: /" >>"$WORK/raw"
}

: >"$WORK/raw"
for mb in 256 512; do
  for share in 0s 1s; do
    row "template: $TEMPLATE_OPTS" "$mb" "$TEMPLATE_OPTS" "$share" all
  done
done
row "template, 1 vCPU (-XX:ActiveProcessorCount=1, pinned to one core)" "$CONFIRM_MB" \
  "$TEMPLATE_OPTS -XX:ActiveProcessorCount=1" 0s 1
IFS=';' read -ra candidates <<<"${LAMBDA_JVM_CANDIDATES:-}"
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  row "${c%%=*}: ${c#*=}" "$CONFIRM_MB" "${c#*=}" 0s all
  row "${c%%=*}: ${c#*=}" "$CONFIRM_MB" "${c#*=}" 1s all
  row "${c%%=*}: ${c#*=}" 512 "${c#*=}" 0s all
done

{
  echo "# confirm-outage in a Lambda-sized JVM — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version'), JDK $("$JDK/bin/java" -version 2>&1 | head -1 | awk -F'"' '{print $2}'), wrk on the same cores."
  echo "Target: 200 tenants, $(psql -tA -d "$PG/$TARGET_DB" -c 'SELECT count(*) FROM audit_logs') audit_logs rows over 30 days. The packaged HTTP jar with"
  echo "JAVA_TOOL_OPTIONS=\"-XX:MaxRAM=<MB>m <options>\" (the options from infra/template.yaml unless the row says otherwise);"
  echo "after a 5 s warm-up, wrk -t2 -c16 for ${D} s. Medians of $RUNS runs; peak RSS = VmHWM; GC = collections and their"
  echo "total time during the measured phase (jstat); OOM = runs with an OutOfMemoryError or a dead JVM."
  echo
  echo "| JVM options | MB | probe | req/s | p50 ms | p99 ms | errors | peak RSS MiB | GCs | GC ms | OOM runs |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$WORK/rows"
  echo
  echo "Each run (req/s p50 p99 errors peak-RSS GCs GC-ms OOM):"
  echo
  cat "$WORK/raw"
} >"$OUT"
echo; cat "$OUT"
