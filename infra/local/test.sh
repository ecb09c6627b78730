#!/usr/bin/env bash
# The whole test run, on a fresh machine too: sees to its prerequisites (PostgreSQL running on
# 127.0.0.1:5432 with trust auth, pgbouncer for the pooler tests, Debian's chromium and chromedriver for the
# status page's browser test), then runs both builds —
# the HTTP service (unit tests, @QuarkusTests, the packaged-jar ITs) and the Lambda build (its
# event tests, the zip check, AWS's Runtime Interface Client against the zip).
# Usage: infra/local/test.sh            (FIREBREAK_TEST_POSTGRES_URL for another server)
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null

if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "installing pgbouncer (the pooler tests start a real one)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "pgbouncer is missing: run 'sudo apt-get install pgbouncer' (or run this as root)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "installing chromium and chromium-driver (the status page's browser test drives Debian's own)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing: run 'sudo apt-get install chromium chromium-driver' (or run this as root)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

./mvnw -B verify
./mvnw -B verify -Plambda
