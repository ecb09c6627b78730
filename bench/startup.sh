#!/usr/bin/env bash
# Startup benchmark: time from process start to the first successful confirm-outage, and RSS at that
# moment, for each JVM packaging of the HTTP build: fast-jar (JDK 17 and 25), AppCDS (JDK 17), and
# the JDK 25 AOT cache (quarkus.package.jar.aot, trained by the integration tests). A native
# binary (target/*-runner, built on GitHub with Mandrel) is measured too when present.
# Prints a table and writes it to bench/results/<date>-startup.md. Usage: bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
PG=${BENCH_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-8097}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
WORK=$(mktemp -d /tmp/fb-startup.XXXX)
OUT=bench/results/$(date -u +%F)-startup.md
TOKEN=bench-token-$(date +%s)
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
trap 'pkill -f "$WORK" 2>/dev/null || true' EXIT

echo "preparing databases..."
for db in firebreak_bench_ops firebreak_bench_target; do
  psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
psql -q -v ON_ERROR_STOP=1 -d "$PG/firebreak_bench_target" -f src/test/resources/db/target-contract/V1__contract.sql
psql -q -d "$PG/firebreak_bench_target" -c "INSERT INTO tenants (name) SELECT 'T' || g FROM generate_series(1, 200) g;
  INSERT INTO audit_logs (tenant_id, action_type, created_at)
  SELECT (SELECT id FROM tenants LIMIT 1), 'login', now() - make_interval(secs => g) FROM generate_series(1, 86400, 10) g;"

# The service's environment: only the measured processes get it, never the builds and their tests.
RUN_ENV=(OPS_DATABASE_URL="$PG/firebreak_bench_ops" TARGET_DATABASE_URL="$PG/firebreak_bench_target"
  FIREBREAK_API_KEYS="monitor:$HASH" FIREBREAK_PROBE_CRON=off QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1
  FIREBREAK_MIGRATE_AT_START=false)

# Builds in place: a CDS/AOT archive is only valid for the exact jar paths and timestamps it was made from.
build() { # name, jdk, maven args...
  local name=$1 jdk=$2; shift 2
  echo "building $name..."
  JAVA_HOME=$jdk ./mvnw -q -B "$@" >"$WORK/$name-build.log" 2>&1 || { echo "build of $name failed: $WORK/$name-build.log"; return 1; }
}
APP=$(pwd)/target/quarkus-app

# One run: ms to the first 200 from confirm-outage, and RSS (MiB) then. Args: dir, command...
run_once() {
  local dir=$1; shift
  local start end pid rss
  start=$(date +%s%N)
  (cd "$dir" && exec env "${RUN_ENV[@]}" "$@" >"$WORK/run.log" 2>&1) &
  pid=$!
  # Wait for the port with bash builtins only: forking a poller every few ms would steal a core
  # from the JVM on a 2-core machine and measure the poller.
  until { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "process died: $WORK/run.log" >&2; return 1; }
    read -rt 0.002 <>"$WORK/tick" || true
  done
  exec 3>&-
  until curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/confirm-outage"; do
    kill -0 $pid 2>/dev/null || { echo "process died: $WORK/run.log" >&2; return 1; }
  done
  end=$(date +%s%N)
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true
  echo "$(( (end - start) / 1000000 )) $rss"
}

measure() { # label, dir, command...
  local label=$1 dir=$2; shift 2
  local times=() rsss=() t r
  for _ in $(seq 1 "$RUNS"); do
    read -r t r < <(run_once "$dir" "$@")
    times+=("$t"); rsss+=("$r")
  done
  median() { printf '%s\n' "$@" | sort -n | awk -v n=$# 'NR == int((n + 1) / 2)'; }
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$(median "${times[@]}")" \
    "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" "$(median "${rsss[@]}")" "${times[*]}" | tee -a "$WORK/table"
}

mkfifo "$WORK/tick"
: >"$WORK/table"
build fast-jar "$JDK17" package -DskipTests
# The ops schema once, so no variant pays for migrations (Lambda never migrates on a cold start).
run_once "$APP" "$JDK17/bin/java" -Dfirebreak.ops.migrate-at-start=true -jar "$APP/quarkus-run.jar" >/dev/null
measure "fast-jar, JDK 17" "$APP" "$JDK17/bin/java" -jar "$APP/quarkus-run.jar"
measure "fast-jar, JDK 17, C1 only (-XX:TieredStopAtLevel=1)" "$APP" "$JDK17/bin/java" -XX:TieredStopAtLevel=1 -jar "$APP/quarkus-run.jar"
build appcds "$JDK17" package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
measure "AppCDS, JDK 17" "$APP" "$JDK17/bin/java" -XX:SharedArchiveFile=app-cds.jsa -jar "$APP/quarkus-run.jar"
build fast-jar-25 "$JDK25" package -DskipTests
measure "fast-jar, JDK 25" "$APP" "$JDK25/bin/java" -jar "$APP/quarkus-run.jar"
if build aot-25 "$JDK25" verify -DskipUTs -Dquarkus.package.jar.aot.enabled=true && [ -f "$APP/app.aot" ]; then
  measure "AOT cache (Leyden), JDK 25" "$APP" "$JDK25/bin/java" -XX:AOTCache=app.aot -jar "$APP/quarkus-run.jar"
else
  echo "| AOT cache (Leyden), JDK 25 | not built, see $WORK/aot-25-build.log | | | |" | tee -a "$WORK/table"
fi
native=$(ls target/*-runner 2>/dev/null | head -1 || true)
if [ -n "$native" ]; then
  measure "native" "$(dirname "$native")" "./$(basename "$native")"
else
  echo "| native | not built here (no GraalVM/Mandrel on this machine): the GitHub native job builds and tests it | | | |" | tee -a "$WORK/table"
fi

{
  echo "# Startup to first successful confirm-outage — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version'). $RUNS runs each;"
  echo "time from process start to the first HTTP 200 of confirm-outage (all four checks, both databases), RSS then."
  echo
  echo "| packaging | median ms | min ms | median RSS MiB | all runs (ms) |"
  echo "|---|---|---|---|---|"
  cat "$WORK/table"
} >"$OUT"
echo; cat "$OUT"
