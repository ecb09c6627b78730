#!/usr/bin/env bash
# Shared by the cold-start measurements (bench/startup.sh, bench/native-summary.sh): the small
# databases a first confirm-outage reads, and one timed start of a process (start to the first 200
# of a URL, RSS and CPU time then). Sourced, never run; the caller may set WORK and RUNS first.
PG=${BENCH_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-8097}
OPS_DB=${BENCH_STARTUP_OPS_DB:-firebreak_bench_ops}
TARGET_DB=${BENCH_STARTUP_TARGET_DB:-firebreak_bench_target}
TOKEN=bench-token-$(date +%s)
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
WORK=${WORK:-$(mktemp -d /tmp/fb-startup.XXXX)}
[ -p "$WORK/tick" ] || mkfifo "$WORK/tick"

# The service's environment: only the measured processes get it, never the builds and their tests.
RUN_ENV=(OPS_DATABASE_URL="$PG/$OPS_DB" TARGET_DATABASE_URL="$PG/$TARGET_DB"
  FIREBREAK_API_KEYS="monitor:$HASH" FIREBREAK_PROBE_CRON=off QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1
  FIREBREAK_MIGRATE_AT_START=false)

# A target with the contract, 200 tenants and a day of audit rows; an empty ops database.
startup_databases() {
  for db in "$OPS_DB" "$TARGET_DB"; do
    psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  done
  psql -q -v ON_ERROR_STOP=1 -d "$PG/$TARGET_DB" -f src/test/resources/db/target-contract/V1__contract.sql
  psql -q -d "$PG/$TARGET_DB" -c "INSERT INTO tenants (name) SELECT 'T' || g FROM generate_series(1, 200) g;
    INSERT INTO audit_logs (tenant_id, action_type, created_at)
    SELECT (SELECT id FROM tenants LIMIT 1), 'login', now() - make_interval(secs => g) FROM generate_series(1, 86400, 10) g;"
}

# One run: "ms-to-first-200 RSS-MiB CPU-ms" (CPU = the process's user+system time until then: on a
# shared machine it varies less than the wall time). Args: url-path dir command... (RUN_EXTRA_ENV: more env)
run_once() {
  local path=$1 dir=$2; shift 2
  local start end pid rss cpu
  start=$(date +%s%N)
  (cd "$dir" && exec env "${RUN_ENV[@]}" ${RUN_EXTRA_ENV:-} "$@" >"$WORK/run.log" 2>&1) &
  pid=$!
  # Wait for the port with bash builtins only: forking a poller every few ms would steal a core
  # from the JVM on a 2-core machine and measure the poller.
  until { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "process died: $WORK/run.log" >&2; return 1; }
    read -rt 0.002 <>"$WORK/tick" || true
  done
  exec 3>&-
  until curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path"; do
    kill -0 $pid 2>/dev/null || { echo "process died: $WORK/run.log" >&2; return 1; }
  done
  end=$(date +%s%N)
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' /proc/$pid/stat)
  kill $pid; wait $pid 2>/dev/null || true
  echo "$(( (end - start) / 1000000 )) $rss $cpu"
}

median() { printf '%s\n' "$@" | sort -n | awk -v n=$# 'NR == int((n + 1) / 2)'; }

# RUNS runs of one variant: a table row "| label | median ms | min ms | median RSS | median CPU ms | all runs |".
# Args: label url-path dir command...
measure() {
  local label=$1 path=$2 dir=$3; shift 3
  local times=() rsss=() cpus=() t r c
  for _ in $(seq 1 "$RUNS"); do
    read -r t r c < <(run_once "$path" "$dir" "$@")
    times+=("$t"); rsss+=("$r"); cpus+=("$c")
  done
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(median "${times[@]}")" \
    "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" "$(median "${rsss[@]}")" "$(median "${cpus[@]}")" "${times[*]}"
}

# The AOT cache's training run (JDK 25, aot-jar packaging): what a cold start does and what follows it
# (confirm-outage once, then 30 s-worth of calls with a probe each and shared, health), then a
# normal stop, at which the JVM writes app.aot into dir. Args: dir java
train_aot() {
  local dir=$1 java=$2 pid
  rm -f "$dir/app.aot"
  (cd "$dir" && exec env "${RUN_ENV[@]}" FIREBREAK_CONFIRM_SHARE_WINDOW=0s "$java" -XX:AOTCacheOutput=app.aot \
    -jar quarkus-run.jar >"$WORK/train-run.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/live" && break; sleep 0.1; done
  for i in $(seq 1 200); do
    curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/confirm-outage" || true
    [ $((i % 50)) = 0 ] && curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" || true
  done
  kill -TERM $pid; wait $pid || true
  [ -f "$dir/app.aot" ]
}
