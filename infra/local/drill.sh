#!/usr/bin/env bash
# The local drill: firebreak on :8080 against this machine's Postgres, with a drill target database
# (the reference schema, four weeks of traffic, an incident under way) and a token for this session.
# Usage: infra/local/drill.sh        (DRILL_POSTGRES_URL to use another server, DRILL_PORT another port)
set -euo pipefail
cd "$(dirname "$0")/../.."

PG=${DRILL_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
PORT=${DRILL_PORT:-8080}
TARGET_DB=firebreak_drill_target
OPS_DB=firebreak_drill_ops

if ! pg_isready -q -d "$PG/postgres"; then
  echo "starting Postgres..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -d "$PG/postgres" && break; sleep 1; done
fi

echo "creating $TARGET_DB (reference schema + four weeks of traffic + an incident) and $OPS_DB..."
for db in "$TARGET_DB" "$OPS_DB"; do
  psql -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
psql -q -v ON_ERROR_STOP=1 -d "$PG/$TARGET_DB" -f src/test/resources/db/target-contract/V1__contract.sql
psql -q -v ON_ERROR_STOP=1 -d "$PG/$TARGET_DB" -f infra/local/drill-data.sql >/dev/null
echo "  $(psql -tA -d "$PG/$TARGET_DB" -c 'SELECT count(*) FROM audit_logs') audit_logs rows, $(psql -tA -d "$PG/$TARGET_DB" -c 'SELECT count(*) FROM tenants') tenants"

if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml functions.yaml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  echo "building firebreak..."
  ./mvnw -q -B package -DskipTests
fi

TOKEN="fb_drill_$(openssl rand -hex 20)"
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
BASE="http://127.0.0.1:$PORT"

cat <<TRY

firebreak drill — token for this session (role responder; only its SHA-256 is given to the service):
  export FB_TOKEN=$TOKEN

Try:
  # 1. Confirm: the audit spike across 150 tenants is a P1 and declares an incident
  curl -s -H "Authorization: Bearer \$FB_TOKEN" $BASE/confirm-outage | jq .
  # 2. A narrower window
  curl -s -H "Authorization: Bearer \$FB_TOKEN" "$BASE/confirm-outage?windowMinutes=5" | jq '.verdict, .severity, .incidentId'
  # 3. UptimeRobot reports the app down (token in the query string, as on UptimeRobot's free plan)
  curl -s -X POST "$BASE/monitor-alert?token=\$FB_TOKEN&monitorID=793456&monitorFriendlyName=API&monitorURL=https://app.example.com&alertType=1&alertDetails=Timeout" | jq .
  # 4. The incident and its timeline (use the id from step 1): its "what changed" event lists the 2 h before it
  #    (here the app's migrations; GitHub and Railway are not configured, so they say skipped)
  curl -s -H "Authorization: Bearer \$FB_TOKEN" "$BASE/get-incident?id=INC-$(date -u +%F)-001" | jq '.timeline[] | select(.kind == "what-changed") | .summary, .detail.migrations'
  curl -s -H "Authorization: Bearer \$FB_TOKEN" "$BASE/get-incident?id=INC-$(date -u +%F)-001" | jq .
  curl -s -H "Authorization: Bearer \$FB_TOKEN" "$BASE/recent-changes?since=6h" | jq '.summary, .migrations.latest'
  # 5. The ERP sync storm: the seed's dead-letter report, then a plan for the storming integration
  curl -s -X POST -H "Authorization: Bearer \$FB_TOKEN" -d '{}' $BASE/clear-retry-queue | jq '.integrations[]'
  XERO=\$(curl -s -X POST -H "Authorization: Bearer \$FB_TOKEN" -d '{}' $BASE/clear-retry-queue | jq -r '.integrations[0].integrationId')
  curl -s -X POST -H "Authorization: Bearer \$FB_TOKEN" -d "{\"integrationId\":\"\$XERO\"}" $BASE/clear-retry-queue | jq '.planId, .rows, .changes.integration'
  #    ...then apply it: add "apply":true, "planId" and a "reason" (undo takes the auditId it answers)
  # 6. Bad input is a 400 with the field at fault
  curl -s -H "Authorization: Bearer \$FB_TOKEN" -H 'Content-Type: application/json' -d '{"windowMinutes":"ten"}' $BASE/confirm-outage | jq .
  # 7. Tell customers: a public post on the incident (only these words are published), then the page
  curl -s -X POST -H "Authorization: Bearer \$FB_TOKEN" -H 'Content-Type: application/json' \
    -d '{"id":"INC-$(date -u +%F)-001","status":"mitigating","public":{"title":"Slow invoices","text":"Invoice sync is delayed; we are on it.","components":{"payments":"partial_outage"}}}' \
    $BASE/update-incident | jq .publicPost
  open $BASE/status/        # or: curl -s $BASE/status/api/v2/summary.json | jq '.status, .components[] | {name, status}'
  # 8. Schedule maintenance: it starts and ends by itself and shows on the page meanwhile
  curl -s -X POST -H "Authorization: Bearer \$FB_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"OCR upgrade\",\"text\":\"Uploads are queued for 20 minutes.\",\"components\":[\"documents\"],\"startsAt\":\"\$(date -u -d '+1 min' +%FT%TZ)\",\"endsAt\":\"\$(date -u -d '+21 min' +%FT%TZ)\"}" \
    $BASE/schedule-maintenance | jq .

The public status page: $BASE/status/ (no token; a static copy is kept in target/drill-status/).
Starting firebreak on $BASE (Ctrl-C to stop)...
TRY

# Two roles on the ops database, as in production: the owner migrates, a role that owns nothing
# runs (it can append to the audit trail but never change it; docs/databases.md, "The ops database").
psql -q -d "$PG/postgres" -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'firebreak_drill_app') THEN CREATE ROLE firebreak_drill_app LOGIN; END IF; END \$\$"
export OPS_DATABASE_URL="${PG/postgres@/firebreak_drill_app@}/$OPS_DB"
export OPS_MIGRATION_DATABASE_URL="${PG/postgres@/postgres:drill@}/$OPS_DB"
export TARGET_DATABASE_URL="$PG/$TARGET_DB"
export FIREBREAK_API_KEYS="responder:$HASH"
export FIREBREAK_STATUS_PAGE_URL="$BASE/status"
export FIREBREAK_STATUS_EXPORT_DIR="${DRILL_STATUS_EXPORT_DIR:-target/drill-status}"
export QUARKUS_HTTP_PORT=$PORT
export QUARKUS_HTTP_HOST=127.0.0.1
exec java -jar target/quarkus-app/quarkus-run.jar
