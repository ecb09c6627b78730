#!/usr/bin/env bash
# The native binary's cold start, for the GitHub native job's summary: time from process start to the
# first 200 of confirm-outage (both databases, all checks) and of /q/health/ready, with the RSS and CPU
# time then, median of RUNS (5) runs, against the job's Postgres service. Appends a table to
# $GITHUB_STEP_SUMMARY (stdout when unset). Any command starting firebreak works, e.g. here:
#   bench/native-summary.sh /usr/lib/jvm/java-17-openjdk-amd64/bin/java -jar target/quarkus-app/quarkus-run.jar
# Usage: bench/native-summary.sh target/*-runner   (BENCH_PORT, BENCH_POSTGRES_URL as in bench/startup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 <command starting firebreak...>" >&2; exit 2; }
RUNS=${RUNS:-5}
WORK=$(mktemp -d /tmp/fb-native.XXXX)
source bench/coldstart.sh
cmd=("$@")
[ -f "${cmd[0]}" ] && cmd[0]=$(realpath "${cmd[0]}")
startup_databases
# The ops schema once, outside the measured runs.
RUN_EXTRA_ENV=FIREBREAK_MIGRATE_AT_START=true run_once /q/health/ready "$PWD" "${cmd[@]}" >/dev/null
confirm=$(measure "first 200 of confirm-outage" /confirm-outage "$PWD" "${cmd[@]}")
ready=$(measure "first 200 of /q/health/ready" /q/health/ready "$PWD" "${cmd[@]}")
{
  echo "### Start-up of \`$(basename "${cmd[0]}")\`"
  echo
  echo "$(nproc) cores, Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version' | awk '{print $1}'); process start to the first HTTP 200, median of $RUNS runs (bench/native-summary.sh)."
  echo
  echo "| until | median ms | min ms | median RSS MiB | median CPU ms | all runs (ms) |"
  echo "|---|---|---|---|---|---|"
  echo "$confirm"
  echo "$ready"
} >>"${GITHUB_STEP_SUMMARY:-/dev/stdout}"
