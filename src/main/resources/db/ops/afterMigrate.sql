-- Run by Flyway after every migrate, as the owner: what the runtime role (the user of
-- OPS_DATABASE_URL) may do. It reads and appends to the audit trail and the evidence but can never
-- change, delete or truncate them, and owns nothing, so it cannot disable their triggers either.
-- Re-run on every deploy, so tables added later are granted too. Nothing to do when firebreak runs
-- as the owner (a single-URL setup, which verify-audit's note and docs/databases.md warn about).
DO $grants$
DECLARE
    runtime text := '${runtimeRole}';
BEGIN
    IF runtime = '' OR runtime = current_user OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = runtime) THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_records, evidence_audit_logs, approval_requests, '
        || 'approval_decisions, approval_expiries, snapshots, snapshot_chunks, status_posts, maintenances, '
        || 'maintenance_cancellations, component_overrides FROM %I', runtime);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON flyway_schema_history FROM %I', runtime);
    EXECUTE format('REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA %I FROM %I', current_schema(), runtime);
END
$grants$;
