#!/usr/bin/env bash
# Shared by the benchmarks: the databases of realistic volume, firebreak's packaged jar, pgbouncer,
# and CPU/RSS readings of a process. Sourced, never run.
PG=${BENCH_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
FB_PORT=${BENCH_PORT:-8097}
JDK=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
TOKEN=bench-token-$(date +%s)
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
WORK=${WORK:-$(mktemp -d /tmp/fb-bench.XXXX)}
PIDS=()

need() { for c in "$@"; do command -v "$c" >/dev/null || { echo "needs $c (apt-get install $c)" >&2; exit 1; }; done; }

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# Seed 000's target at the volume the issue asks for: the contract (with its indexes), 200 tenants
# and 1,000,000 audit_logs rows spread evenly over 30 days (~231 in any 10 minutes).
target_fixture() { # database
  local db=$1
  psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  psql -q -v ON_ERROR_STOP=1 -d "$PG/$db" -f src/test/resources/db/target-contract/V1__contract.sql
  psql -q -v ON_ERROR_STOP=1 -d "$PG/$db" <<'SQL'
INSERT INTO tenants (name) SELECT 'Tenant ' || g FROM generate_series(1, 200) g;
INSERT INTO audit_logs (tenant_id, action_type, entity_type, created_at)
SELECT t.ids[1 + g % 200],
       (ARRAY['login', 'invoice.create', 'invoice.update', 'payment.create', 'erp.sync', 'user.update',
              'report.view', 'logout'])[1 + g % 8],
       'invoice', now() - make_interval(secs => g * 2.592)
FROM generate_series(1, 1000000) g, (SELECT array_agg(id ORDER BY name) AS ids FROM tenants) t;
VACUUM ANALYZE;
SQL
}

ops_database() { # database
  psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

build_jar() {
  [ -f target/quarkus-app/quarkus-run.jar ] && [ -z "${BENCH_REBUILD:-}" ] && return 0
  echo "building the jar..."
  JAVA_HOME=$JDK ./mvnw -q -B package -DskipTests >"$WORK/build.log" 2>&1 || { echo "build failed: $WORK/build.log"; exit 1; }
}

# Starts firebreak on FB_PORT with every schedule off; extra env as arguments. Sets FB_PID.
start_firebreak() { # ops_url target_url [VAR=value...]
  local ops=$1 target=$2; shift 2
  env OPS_DATABASE_URL="$ops" TARGET_DATABASE_URL="$target" FIREBREAK_API_KEYS="responder:$HASH" \
    QUARKUS_HTTP_PORT=$FB_PORT QUARKUS_HTTP_HOST=127.0.0.1 FIREBREAK_PROBE_CRON=off FIREBREAK_CHECKS_CRON=off \
    FIREBREAK_PAYMENT_SWEEP_CRON=off FIREBREAK_DEAD_LETTER_SWEEP_CRON=off FIREBREAK_NOTIFY_OUTBOX_CRON=off \
    FIREBREAK_INCIDENT_WATCH_CRON=off "$@" \
    "$JDK/bin/java" -jar target/quarkus-app/quarkus-run.jar >"$WORK/firebreak.log" 2>&1 &
  FB_PID=$!
  PIDS+=("$FB_PID")
  wait_http "http://127.0.0.1:$FB_PORT/q/health/live" "$FB_PID"
}

wait_http() { # url pid
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "process $2 died; see $WORK" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 never answered" >&2; exit 1
}

# pgbouncer in transaction mode on 6543, like Supabase's pooler. Sets PGB_PID.
start_pgbouncer() {
  chmod 755 "$WORK"; mkdir -p "$WORK/pgb" && chmod 777 "$WORK/pgb"
  printf '"postgres" ""\n' >"$WORK/pgb/users.txt"
  cat >"$WORK/pgb/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6543
unix_socket_dir =
auth_type = trust
auth_file = $WORK/pgb/users.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
logfile = $WORK/pgb/pgbouncer.log
INI
  chmod 644 "$WORK/pgb/"*
  local user=(); [ "$(id -u)" = 0 ] && user=(-u postgres)
  pgbouncer "${user[@]}" "$WORK/pgb/pgbouncer.ini" >"$WORK/pgb/stdout.log" 2>&1 &
  PGB_PID=$!
  PIDS+=("$PGB_PID")
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/6543) 2>/dev/null && return 0; sleep 0.1; done
  echo "pgbouncer did not start: $WORK/pgb" >&2; exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
