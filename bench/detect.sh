#!/usr/bin/env bash
# Time to detect: from the moment the target database stops answering (a TCP proxy in front of it
# goes silent: no reset, no answer) to the incident declared and its level-1 page queued, with the
# HTTP service's default configuration (the probe every 10 s, a confirming re-probe 5 s after a
# first P0/P1 result, level 1 paged right after the declaration commits). The cut falls at a random
# moment of the schedule each time (BENCH_DETECT_TRIALS, default 10); then the proxy answers again,
# the incident is resolved (resolve-incident, force) and the next trial waits for a healthy probe.
# The previous defaults (every minute, two in a row, no re-probe, level 1 on the watch's next run)
# run BENCH_DETECT_BASELINE_TRIALS times (default 3; 0 skips) in the same run, side by side.
# Usage: bench/detect.sh. Writes bench/results/<date>-detect.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need psql curl python3
TRIALS=${BENCH_DETECT_TRIALS:-10}
BASELINE_TRIALS=${BENCH_DETECT_BASELINE_TRIALS:-3}
PROXY_PORT=${BENCH_PROXY_PORT:-6545}
OUT=bench/results/$(date -u +%F)-detect.md
trap cleanup EXIT
build_jar

db=firebreak_bench_detect
ops=firebreak_bench_detect_ops
psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
psql -q -v ON_ERROR_STOP=1 -d "$PG/$db" -f src/test/resources/db/target-contract/V1__contract.sql
psql -q -d "$PG/$db" -c "INSERT INTO tenants (name) SELECT 'T' || g FROM generate_series(1, 200) g;
  INSERT INTO audit_logs (tenant_id, action_type, created_at)
  SELECT (SELECT id FROM tenants LIMIT 1), 'login', now() - make_interval(secs => g) FROM generate_series(1, 86400, 10) g;"

python3 bench/blackhole.py "$PROXY_PORT" 127.0.0.1 5432 &
PROXY=$!
PIDS+=("$PROXY")
OPS="$PG/$ops"
target="postgresql://postgres@127.0.0.1:$PROXY_PORT/$db"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
q() { psql -X -qtA -d "$OPS" -c "$1"; }

# Starts the packaged jar with the defaults plus the given settings (a PagerDuty routing key, so level 1 queues a page).
start() { # VAR=value...
  ops_database "$ops"
  env OPS_DATABASE_URL="$OPS" TARGET_DATABASE_URL="$target" FIREBREAK_API_KEYS="admin:$HASH" \
    QUARKUS_HTTP_PORT=$FB_PORT QUARKUS_HTTP_HOST=127.0.0.1 FIREBREAK_MIGRATE_AT_START=true \
    PAGERDUTY_ROUTING_KEY=R0123456789abcdef0123456789abcde PAGERDUTY_EVENTS_URL=http://127.0.0.1:9 "$@" \
    "$JDK/bin/java" -jar target/quarkus-app/quarkus-run.jar >"$WORK/firebreak.log" 2>&1 &
  FB_PID=$!
  PIDS+=("$FB_PID")
  wait_http "http://127.0.0.1:$FB_PORT/q/health/live" "$FB_PID"
}

# One trial: waits for a healthy scheduled probe, a random part of the interval, cuts; prints "declared_ms paged_ms".
trial() { # interval_s
  local interval=$1 since cut id opened paged deadline=$(( $(now_ms) + 600000 ))
  since=$(q "SELECT coalesce(max(id), 0) FROM confirmations")
  until [ "$(q "SELECT count(*) FROM confirmations WHERE id > $since AND trigger = 'schedule' AND verdict = 'healthy'")" -gt 0 ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "no healthy probe" >&2; return 1; }
    sleep 0.5
  done
  sleep "$(python3 -c "import random; print(round(random.uniform(0, $interval), 2))")"
  cut=$(now_ms)
  kill -USR1 "$PROXY"
  until id=$(q "SELECT id FROM incidents WHERE status <> 'resolved' ORDER BY opened_at DESC LIMIT 1") && [ -n "$id" ] \
      && paged=$(q "SELECT (extract(epoch FROM min(created_at)) * 1000)::bigint FROM team_messages WHERE incident_id = '$id' AND kind = 'page'") \
      && [ -n "$paged" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "not declared and paged within 10 min" >&2; return 1; }
    sleep 0.2
  done
  opened=$(q "SELECT (extract(epoch FROM opened_at) * 1000)::bigint FROM incidents WHERE id = '$id'")
  kill -USR2 "$PROXY"
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$id\",\"resolution\":\"bench: the proxy answers again\",\"force\":true,\"reason\":\"bench/detect.sh\"}" \
    "http://127.0.0.1:$FB_PORT/resolve-incident" || { echo "resolve-incident failed" >&2; return 1; }
  echo "$((opened - cut)) $((paged - cut))"
}

# Runs n trials; prints a table row "label | n | declared min/median/max s | paged min/median/max s | all".
series() { # label n interval_s
  local label=$1 n=$2 interval=$3 d p declared=() paged=()
  for i in $(seq 1 "$n"); do
    read -r d p < <(trial "$interval")
    echo "  $label, trial $i: declared after $d ms, level-1 page queued after $p ms" >&2
    declared+=("$d"); paged+=("$p")
  done
  python3 - "$label" "${declared[*]}" "${paged[*]}" <<'PY'
import statistics, sys
label, d, p = sys.argv[1], [int(x) / 1000 for x in sys.argv[2].split()], [int(x) / 1000 for x in sys.argv[3].split()]
f = lambda xs: f"{min(xs):.1f} / **{statistics.median(xs):.1f}** / {max(xs):.1f}"
print(f"| {label} | {len(d)} | {f(d)} | {f(p)} | {' '.join(f'{x:.1f}' for x in p)} |")
PY
}

: >"$WORK/table"
echo "default configuration: $TRIALS cuts..."
start
series "defaults: every 10 s, re-probe after 5 s, level 1 at declaration" "$TRIALS" 10 | tee -a "$WORK/table"
kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
if [ "$BASELINE_TRIALS" -gt 0 ]; then
  echo "previous defaults: $BASELINE_TRIALS cuts..."
  start FIREBREAK_PROBE_CRON='0 * * * * ?' FIREBREAK_PROBE_CONFIRM_AFTER=0s FIREBREAK_PAGE_AT_DECLARATION=schedule
  series "previous defaults: every minute, two in a row, level 1 at the next watch run" "$BASELINE_TRIALS" 60 | tee -a "$WORK/table"
  kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
fi

{
  echo "# Time to detect — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores; the target database behind a TCP proxy that goes silent at a random moment"
  echo "of the probe schedule; seconds from the cut to the incident's opened_at and to its level-1 page queued"
  echo "(team_messages, PagerDuty). min / median / max."
  echo
  echo "| configuration | cuts | declared (opened_at: the confirming probe's start) s | level-1 page queued s | every cut: page queued s |"
  echo "|---|---|---|---|---|"
  cat "$WORK/table"
} >"$OUT"
echo; cat "$OUT"
