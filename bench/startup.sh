#!/usr/bin/env bash
# Startup benchmark: time from process start to the first successful confirm-outage (all checks,
# both databases), the RSS and the CPU time spent until then, for each JVM packaging of the HTTP
# build: fast-jar on JDK 17 (default, C1 only, C1 + serial GC, AppCDS), fast-jar on JDK 25, and the
# JDK 25 AOT cache (aot-jar packaging) trained by a realistic workload (start, confirm-outage under
# a little load, health, stop: bench/coldstart.sh's train_aot), alone and with C1 only. The AOT
# cache trained by the integration tests (quarkus.package.jar.aot.enabled, the whole IT suite) is
# measured too unless BENCH_SKIP_AOT_ITS is set. A native binary (target/*-runner, built on GitHub
# with Mandrel) is measured when present. Prints a table and writes it to bench/results/<date>-startup.md.
# Usage: bench/startup.sh [runs]   (BENCH_PORT, BENCH_STARTUP_OPS_DB / BENCH_STARTUP_TARGET_DB)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
WORK=$(mktemp -d /tmp/fb-startup.XXXX)
source bench/coldstart.sh
OUT=bench/results/$(date -u +%F)-startup.md
: >"$WORK/table"

echo "preparing databases..."
startup_databases

# Builds in place: a CDS/AOT archive is only valid for the exact jar paths and timestamps it was made from.
build() { # name, jdk, maven args...
  local name=$1 jdk=$2; shift 2
  echo "building $name..."
  JAVA_HOME=$jdk ./mvnw -q -B "$@" >"$WORK/$name-build.log" 2>&1 || { echo "build of $name failed: $WORK/$name-build.log"; return 1; }
}
APP=$(pwd)/target/quarkus-app
CO=/confirm-outage
row() { measure "$@" | tee -a "$WORK/table"; }

build fast-jar "$JDK17" package -DskipTests
# The ops schema once, so no variant pays for migrations (Lambda never migrates on a cold start).
RUN_EXTRA_ENV=FIREBREAK_MIGRATE_AT_START=true run_once "$CO" "$APP" "$JDK17/bin/java" -jar "$APP/quarkus-run.jar" >/dev/null
row "fast-jar, JDK 17" "$CO" "$APP" "$JDK17/bin/java" -jar "$APP/quarkus-run.jar"
row "fast-jar, JDK 17, C1 only (-XX:TieredStopAtLevel=1)" "$CO" "$APP" "$JDK17/bin/java" -XX:TieredStopAtLevel=1 -jar "$APP/quarkus-run.jar"
row "fast-jar, JDK 17, C1 only, serial GC (+ -XX:+UseSerialGC)" "$CO" "$APP" "$JDK17/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$APP/quarkus-run.jar"
build appcds "$JDK17" package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
row "AppCDS, JDK 17" "$CO" "$APP" "$JDK17/bin/java" -XX:SharedArchiveFile=app-cds.jsa -jar "$APP/quarkus-run.jar"
build fast-jar-25 "$JDK25" package -DskipTests
row "fast-jar, JDK 25" "$CO" "$APP" "$JDK25/bin/java" -jar "$APP/quarkus-run.jar"
if build aot-jar-25 "$JDK25" package -DskipTests -Dquarkus.package.jar.type=aot-jar \
    && train_aot "$APP" "$JDK25/bin/java" >"$WORK/train.log" 2>&1; then
  row "AOT cache, JDK 25, aot-jar trained by a workload (-XX:AOTCache)" "$CO" "$APP" "$JDK25/bin/java" -XX:AOTCache=app.aot -jar "$APP/quarkus-run.jar"
  row "AOT cache, JDK 25, trained by a workload, C1 only" "$CO" "$APP" "$JDK25/bin/java" -XX:AOTCache=app.aot -XX:TieredStopAtLevel=1 -jar "$APP/quarkus-run.jar"
  row "AOT cache, JDK 25, trained by a workload, C1 only, serial GC" "$CO" "$APP" "$JDK25/bin/java" -XX:AOTCache=app.aot -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$APP/quarkus-run.jar"
else
  echo "| AOT cache, JDK 25, trained by a workload | not built, see $WORK/aot-jar-25-build.log and $WORK/train.log | | | | |" | tee -a "$WORK/table"
fi
if [ -n "${BENCH_SKIP_AOT_ITS:-}" ]; then
  echo "| AOT cache, JDK 25, trained by the integration tests | skipped (BENCH_SKIP_AOT_ITS) | | | | |" | tee -a "$WORK/table"
elif build aot-25 "$JDK25" verify -DskipUTs -Dquarkus.package.jar.aot.enabled=true && [ -f "$APP/app.aot" ]; then
  row "AOT cache, JDK 25, trained by the integration tests" "$CO" "$APP" "$JDK25/bin/java" -XX:AOTCache=app.aot -jar "$APP/quarkus-run.jar"
else
  echo "| AOT cache, JDK 25, trained by the integration tests | not built, see $WORK/aot-25-build.log | | | | |" | tee -a "$WORK/table"
fi
native=$(ls target/*-runner 2>/dev/null | head -1 || true)
if [ -n "$native" ]; then
  row "native" "$CO" "$(dirname "$native")" "./$(basename "$native")"
else
  echo "| native | not built here (no GraalVM/Mandrel on this machine): the GitHub native job measures it (bench/native-summary.sh) | | | | |" | tee -a "$WORK/table"
fi

{
  echo "# Startup to first successful confirm-outage — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version'). $RUNS runs each;"
  echo "time from process start to the first HTTP 200 of confirm-outage (all checks, both databases), RSS then, and the"
  echo "process's CPU time (user + system) until then, which varies less than the wall time when the machine is shared."
  echo
  echo "| packaging | median ms | min ms | median RSS MiB | median CPU ms | all runs (ms) |"
  echo "|---|---|---|---|---|---|"
  cat "$WORK/table"
} >"$OUT"
echo; cat "$OUT"
