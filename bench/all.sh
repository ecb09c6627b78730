#!/usr/bin/env bash
# The whole benchmark in one run: confirm-outage under load (bench/confirm.sh), where a probe per call
# spends its time (bench/profile.sh), the sweeps at scale
# (bench/sweeps.sh), time to detect (bench/detect.sh), confirm-outage in a Lambda-sized JVM (bench/lambda-jvm.sh) and cold
# starts (bench/startup.sh, which rebuilds the jar several ways: run it last). Assembles
# bench/results/<date>.md from their results. Takes about an hour on 2 cores (BENCH_DURATION,
# BENCH_LAMBDA_RUNS, BENCH_STARTUP_RUNS and BENCH_DETECT_BASELINE_TRIALS shorten it).
set -euo pipefail
cd "$(dirname "$0")/.."
DAY=$(date -u +%F)
bash bench/confirm.sh
bash bench/profile.sh
bash bench/sweeps.sh
bash bench/detect.sh
bash bench/lambda-jvm.sh ${BENCH_LAMBDA_RUNS:-3}
[ -n "${BENCH_SKIP_STARTUP:-}" ] || bash bench/startup.sh ${BENCH_STARTUP_RUNS:-5}
{
  echo "# Benchmarks — $DAY"
  echo
  for part in confirm profile detect sweeps lambda-jvm startup; do
    f=bench/results/$DAY-$part.md
    [ -f "$f" ] && { sed -e 's/^## /### /' -e 's/^# /## /' "$f"; echo; }
  done
} >"bench/results/$DAY.md"
echo "bench/results/$DAY.md"
