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
psql -q -v ON_ERROR_STOP=1 -d "$PG/firebreak_bench_target" -f src/main/resources/db/target-contract/V1__contract.sql
psql -q -d "$PG/firebreak_bench_target" -c "INSERT INTO tenants (name) SELECT 'T' || g FROM generate_series(1, 200) g;
  INSERT INTO audit_logs (tenant_id, action_type, created_at)
  SELECT (SELECT id FROM tenants LIMIT 1), 'login', now() - make_interval(secs => g) FROM generate_series(1, 86400, 10) g;"

# The service's environment: only the measured processes get it, never the builds and their tests.
RUN_ENV=(OPS_DATABASE_URL="$PG/firebreak_bench_ops" TARGET_DATABASE_URL="$PG/firebreak_bench_target"
  FIREBREAK_API_KEYS="monitor:$HASH" FIREBREAK_PROBE_CRON=off QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1
  FIREBREAK_MIGRATE_AT_START=false)

build() { # name, jdk, maven args...
  local name=$1 jdk=$2; shift 2
  echo "building $name..."
  JAVA_HOME=$jdk ./mvnw -q -B "$@" >"$WORK/$name-build.log" 2>&1 || { echo "build of $name failed: $WORK/$name-build.log"; return 1; }
  rm -rf "$WORK/$name" && cp -r target/quarkus-app "$WORK/$name"
}

# One run: ms to the first 200 from confirm-outage, and RSS (MiB) then. Args: dir, command...
run_once() {
  local dir=$1; shift
  local start end pid rss
  start=$(date +%s%N)
  (cd "$dir" && exec env "${RUN_ENV[@]}" "$@" >"$dir/run.log" 2>&1) &
  pid=$!
  until curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/confirm-outage"; do
    kill -0 $pid 2>/dev/null || { echo "process died: $dir/run.log" >&2; return 1; }
    sleep 0.005
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

build fast-jar "$JDK17" package -DskipTests
# The ops schema once, so no variant pays for migrations (Lambda never migrates on a cold start).
run_once "$WORK/fast-jar" "$JDK17/bin/java" -Dfirebreak.ops.migrate-at-start=true -jar quarkus-run.jar >/dev/null
build appcds "$JDK17" package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
build fast-jar-25 "$JDK25" package -DskipTests
build aot-25 "$JDK25" verify -DskipUTs -Dquarkus.package.jar.aot.enabled=true || true

: >"$WORK/table"
measure "fast-jar, JDK 17" "$WORK/fast-jar" "$JDK17/bin/java" -jar quarkus-run.jar
measure "AppCDS, JDK 17" "$WORK/appcds" "$JDK17/bin/java" -XX:SharedArchiveFile=app-cds.jsa -jar quarkus-run.jar
measure "fast-jar, JDK 25" "$WORK/fast-jar-25" "$JDK25/bin/java" -jar quarkus-run.jar
if [ -f "$WORK/aot-25/app.aot" ]; then
  measure "AOT cache (Leyden), JDK 25" "$WORK/aot-25" "$JDK25/bin/java" -XX:AOTCache=app.aot -jar quarkus-run.jar
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
