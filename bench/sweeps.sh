#!/usr/bin/env bash
# Sweeps at scale, against the seeds' way in the same run:
#  1. Dismissing 1,000,000 `retrying` erp_sync_logs rows of one integration: firebreak's
#     clear-retry-queue (plan, then apply in batches of FIREBREAK_BATCH_SIZE, each its own
#     transaction) against seed 000's single UPDATE; total time, rows/s and the longest time any
#     transaction held row locks on erp_sync_logs (sampled every 50 ms from pg_locks); the plan's
#     answer size and time, the time to page through its stored set (planId + cursor), and the
#     service's heap over plan, paging and apply (-Xmx${BENCH_ERP_XMX:-256m}, GC log: the most live
#     after a collection, the most in use before one).
#  2. The stuck-payment sweep over 10,000 pending Paystack payments against a fake Paystack that
#     answers in 100 ms and allows 50 requests/s: total time against the sequential time (10,000 x
#     100 ms) and the rate-limit bound (10,000 / 50 per s), and how many calls were refused (429).
# Usage: bench/sweeps.sh [erp|payments] (both by default). Writes bench/results/<date>-sweeps.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need psql curl python3
WHAT=${1:-all}
OUT=bench/results/$(date -u +%F)-sweeps.md
ROWS=${BENCH_ERP_ROWS:-1000000}
PAYMENTS=${BENCH_PAYMENTS:-10000}
trap cleanup EXIT
: >"$WORK/report"
build_jar

# Longest open transaction holding RowExclusiveLock on erp_sync_logs, sampled until killed; prints ms.
lock_sampler() { # db_url
  psql -X -At -d "$1" >"$WORK/locks" 2>/dev/null <<'SQL' &
SELECT coalesce(max(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000), 0)::int
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.relation = 'public.erp_sync_logs'::regclass AND l.mode = 'RowExclusiveLock' AND a.pid <> pg_backend_pid()
\watch 0.05
SQL
  SAMPLER=$!
}
sampled_max() { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; sort -n "$WORK/locks" | tail -1; }

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

erp() {
  local db=${BENCH_SWEEP_DB:-firebreak_bench_sweep} ops=${BENCH_SWEEP_DB:-firebreak_bench_sweep}_ops url
  echo "fixture: $ROWS retrying rows of one integration..."
  target_fixture_small "$db"
  ops_database "$ops"
  url="$PG/$db"
  integration=$(psql -tA -d "$url" -c "SELECT id FROM erp_integrations WHERE name = 'Xero (storm)'")
  local xmx=${BENCH_ERP_XMX:-256m}
  start_firebreak "$PG/$ops" "$url" FIREBREAK_MIGRATE_AT_START=true FIREBREAK_MAX_ROWS=$((ROWS + 10)) \
    FIREBREAK_APPROVAL_ABOVE_ROWS=$((ROWS + 10)) JAVA_TOOL_OPTIONS="-Xmx$xmx -Xlog:gc:file=$WORK/gc.log"
  local t plan_ms plan2_ms apply_ms plan_bytes plan_id lock_ms rows page_out pages page_ms page_ids gc_start heap
  t=$(date +%s%N)
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"integrationId\":\"$integration\"}" "http://127.0.0.1:$FB_PORT/clear-retry-queue" >"$WORK/plan.json"
  plan_ms=$(ms_since "$t"); plan_bytes=$(stat -c %s "$WORK/plan.json")
  # The same dry run again: the first paid for a cold JVM and the fixture's dirty buffers.
  t=$(date +%s%N)
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"integrationId\":\"$integration\"}" "http://127.0.0.1:$FB_PORT/clear-retry-queue" >"$WORK/plan.json"
  plan2_ms=$(ms_since "$t")
  plan_id=$(python3 -c "import json;print(json.load(open('$WORK/plan.json'))['planId'])")
  # Every page of the stored set, cursor after cursor, as a client would read the whole plan.
  page_out=$(python3 - "$WORK/plan.json" "http://127.0.0.1:$FB_PORT/clear-retry-queue" "$TOKEN" <<'PY'
import json, sys, time, urllib.request
plan = json.load(open(sys.argv[1])); url, token = sys.argv[2], sys.argv[3]
ids, cursor, pages = len(plan['changes']['syncLogs']['ids']), plan['changes']['syncLogs']['nextCursor'], 1
t = time.time()
while cursor:
    req = urllib.request.Request(url, data=json.dumps({'planId': plan['planId'], 'cursor': cursor}).encode(),
                                 headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
    page = json.load(urllib.request.urlopen(req))
    ids += len(page['ids']); cursor = page['nextCursor']; pages += 1
print(pages, int((time.time() - t) * 1000), ids)
PY
)
  read -r pages page_ms page_ids <<<"$page_out"
  lock_sampler "$url"
  t=$(date +%s%N)
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"integrationId\":\"$integration\",\"apply\":true,\"planId\":\"$plan_id\",\"reason\":\"bench\"}" \
    "http://127.0.0.1:$FB_PORT/clear-retry-queue" >"$WORK/apply.json"
  apply_ms=$(ms_since "$t"); lock_ms=$(sampled_max)
  rows=$(python3 -c "import json;print(json.load(open('$WORK/apply.json'))['rowsDismissed'])")
  kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
  # G1's lines read "... 120M->35M(256M) 12.3ms": the most live after a collection, the most in use before one.
  heap=$(python3 - "$WORK/gc.log" <<'PY'
import re, sys
pairs = [tuple(map(int, m)) for m in re.findall(r'(\d+)M->(\d+)M\(\d+M\)', open(sys.argv[1]).read())]
print(len(pairs), max((a for _, a in pairs), default=0), max((b for b, _ in pairs), default=0))
PY
)
  read -r gcs live peak <<<"$heap"
  {
    echo "| firebreak clear-retry-queue: plan (dry run), first after start | $rows | $plan_ms | - | - | plan answer $((plan_bytes / 1024)) KiB ($plan_bytes bytes) |"
    echo "| firebreak clear-retry-queue: the same dry run again | $rows | $plan2_ms | - | - | |"
    echo "| firebreak clear-retry-queue: paging the stored set (planId + cursor) | $page_ids | $page_ms | $((page_ids * 1000 / (page_ms > 0 ? page_ms : 1))) | - | $pages pages |"
    echo "| firebreak clear-retry-queue: apply, batches of ${FIREBREAK_BATCH_SIZE:-1000} | $rows | $apply_ms | $((rows * 1000 / (apply_ms > 0 ? apply_ms : 1))) | $lock_ms | |"
    echo "| firebreak's heap over plan, paging and apply (-Xmx$xmx) | - | - | - | - | $gcs GCs, most live after a GC ${live} MiB, most in use before one ${peak} MiB |"
  } | tee -a "$WORK/erp"
  echo "resetting the rows for the seed's UPDATE..."
  psql -q -d "$url" -c "UPDATE erp_sync_logs SET sync_status = 'retrying' WHERE integration_id = '$integration' AND sync_status = 'dismissed'" \
    -c "VACUUM ANALYZE erp_sync_logs"
  lock_sampler "$url"
  t=$(date +%s%N)
  rows=$(psql -tA -d "$url" -c "UPDATE public.erp_sync_logs SET sync_status = 'dismissed'
    WHERE sync_status = 'retrying' AND integration_id = '$integration'" | awk '{print $2}')
  apply_ms=$(ms_since "$t"); lock_ms=$(sampled_max)
  echo "| seed 000's single UPDATE (psql) | $rows | $apply_ms | $((rows * 1000 / (apply_ms > 0 ? apply_ms : 1))) | $lock_ms | |" | tee -a "$WORK/erp"
}

# The contract with one storming integration (ROWS retrying) and a quiet one (100,000 success rows).
target_fixture_small() { # database
  local db=$1
  psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  psql -q -v ON_ERROR_STOP=1 -d "$PG/$db" -f src/test/resources/db/target-contract/V1__contract.sql
  psql -q -v ON_ERROR_STOP=1 -d "$PG/$db" <<SQL
INSERT INTO tenants (name) VALUES ('Storm Ltd');
INSERT INTO erp_integrations (tenant_id, name, erp_system) SELECT id, 'Xero (storm)', 'xero' FROM tenants;
INSERT INTO erp_integrations (tenant_id, name, erp_system) SELECT id, 'Sage', 'sage' FROM tenants;
INSERT INTO erp_sync_logs (integration_id, tenant_id, entity_type, sync_status, retry_count, created_at)
SELECT i.id, i.tenant_id, 'invoice', 'retrying', 1 + g % 5, now() - make_interval(secs => g % 86400)
FROM erp_integrations i, generate_series(1, $ROWS) g WHERE i.name = 'Xero (storm)';
INSERT INTO erp_sync_logs (integration_id, tenant_id, entity_type, sync_status, created_at)
SELECT i.id, i.tenant_id, 'invoice', 'success', now() - make_interval(secs => g % 86400)
FROM erp_integrations i, generate_series(1, 100000) g WHERE i.name = 'Sage';
VACUUM ANALYZE;
SQL
}

payments() {
  local db=firebreak_bench_pay ops=firebreak_bench_pay_ops url fake_port=8796 t total_ms left
  echo "fixture: $PAYMENTS pending Paystack payments..."
  psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  psql -q -v ON_ERROR_STOP=1 -d "$PG/$db" -f src/test/resources/db/target-contract/V1__contract.sql
  psql -q -d "$PG/$db" -c "INSERT INTO tenants (name) VALUES ('Shop');
    INSERT INTO payment_transactions (tenant_id, transaction_reference, provider, amount, currency, status, created_at)
    SELECT (SELECT id FROM tenants), 'ref-' || g, 'paystack', 500000, 'NGN', 'pending', now() - interval '2 hours'
    FROM generate_series(1, $PAYMENTS) g"
  ops_database "$ops"
  url="$PG/$db"
  python3 bench/fake-paystack.py $fake_port 50 100 >"$WORK/fake.log" 2>&1 &
  local fake=$!; PIDS+=("$fake")
  t=$(date +%s%N)
  start_firebreak "$PG/$ops" "$url" FIREBREAK_MIGRATE_AT_START=true PAYSTACK_BASE_URL=http://127.0.0.1:$fake_port \
    PAYSTACK_SECRET_KEY=sk_test_bench FIREBREAK_PAYMENT_SWEEP_CRON="0/10 * * * * ?" ${BENCH_FB_ENV:-}
  left=$PAYMENTS
  while [ "$left" -gt 0 ]; do
    sleep 1
    left=$(psql -tA -d "$url" -c "SELECT count(*) FROM payment_transactions WHERE status = 'pending'")
    [ $(( ($(date +%s%N) - t) / 1000000000 )) -gt ${BENCH_PAYMENT_LIMIT_S:-1500} ] && break
  done
  total_ms=$(ms_since "$t")
  kill "$FB_PID"; wait "$FB_PID" 2>/dev/null || true
  kill "$fake"; wait "$fake" 2>/dev/null || true
  local settled=$((PAYMENTS - left))
  echo "| ${LABEL:-firebreak stuck-payment sweep} | $settled of $PAYMENTS | $((total_ms / 1000)) | $((PAYMENTS / 10)) | $((PAYMENTS / 50)) | $(cat "$WORK/fake.log") |" \
    | tee -a "$WORK/pay"
}

: >"$WORK/erp"; : >"$WORK/pay"
case "$WHAT" in
  erp) erp ;;
  payments) payments ;;
  *) erp; payments ;;
esac

{
  echo "# Sweeps at scale — $(date -u +'%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), Postgres $(psql -tA -d "$PG/postgres" -c 'SHOW server_version'), JDK 17."
  if [ -s "$WORK/erp" ]; then
    echo
    echo "## Dismissing $ROWS retrying erp_sync_logs rows of one integration"
    echo
    echo "Longest lock = the longest a transaction holding row locks on erp_sync_logs stayed open (pg_locks sampled every 50 ms)."
    echo
    echo "| way | rows | ms | rows/s | longest lock ms | note |"
    echo "|---|---|---|---|---|---|"
    cat "$WORK/erp"
  fi
  if [ -s "$WORK/pay" ]; then
    echo
    echo "## The stuck-payment sweep: $PAYMENTS pending payments, a provider answering in 100 ms, 50 requests/s"
    echo
    echo "Total = from firebreak's start (its sweep runs every 10 s here) until no payment is pending."
    echo
    echo "| run | settled | total s | sequential s (10,000 x 100 ms) | rate-limit bound s (10,000 / 50) | fake provider: answered, refused (429), span |"
    echo "|---|---|---|---|---|---|"
    cat "$WORK/pay"
  fi
} >"$OUT"
echo; cat "$OUT"
