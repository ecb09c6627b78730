-- Integrity under faults: what an apply committed, single-use plans and undos, an unambiguous
-- audit digest, and monitor alerts a retry cannot store twice.

-- What an apply did, as recorded with its outcome: the keys that committed, those whose COMMIT was
-- in doubt when the connection was lost, and the apply-started record it completes. A failed
-- apply's record says exactly what it changed, and undo restores that.
ALTER TABLE audit_records
    ADD COLUMN result jsonb,
    ADD COLUMN digest_version smallint NOT NULL DEFAULT 1 CHECK (digest_version IN (1, 2));

-- Version 2 of the digest: every field length-prefixed ("<length>:<text>", "-:" for null), so no
-- text inside one field can pass for a field boundary. Version 1 joined raw text with \x1f, which a
-- reason holding \x1f could shift; records written under it keep verifying under it.
CREATE FUNCTION audit_digest_v2(r audit_records) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(string_agg(
        coalesce(length(f)::text || ':' || f, '-:'), '' ORDER BY n), 'UTF8')), 'hex')
    FROM unnest(ARRAY[
        'v2', r.prev_hash, r.chain_seq::text, r.id::text,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        r.token_id, r.role, r.function, r.action, r.reason, r.input::text, r.plan::text,
        r.rows_affected::text, r.external_ids::text, r.outcome, r.undo_of::text, r.result::text
    ]) WITH ORDINALITY AS fields(f, n)
$$;

-- The digest a record was written under.
CREATE FUNCTION audit_digest_of(r audit_records) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE r.digest_version WHEN 1 THEN audit_digest(r) ELSE audit_digest_v2(r) END
$$;

CREATE OR REPLACE FUNCTION audit_records_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head audit_records%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('firebreak.audit_records', 0));
    SELECT * INTO head FROM audit_records ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(head.chain_seq, 0) + 1;
    NEW.prev_hash := coalesce(head.hash, 'genesis');
    NEW.digest_version := 2;
    NEW.hash := audit_digest_v2(NEW);
    RETURN NEW;
END
$$;

-- Single use: a plan is claimed by the apply-started record of the apply that uses it, an applied
-- change by the undo that restores it, in the same transaction as that record. A second apply of
-- the plan (or undo of the change) finds the claim and is refused, naming the record that holds it.
CREATE TABLE action_claims (
    claim      text PRIMARY KEY,
    audit_id   bigint NOT NULL REFERENCES audit_records (id),
    claimed_at timestamptz NOT NULL
);
CREATE INDEX action_claims_by_audit ON action_claims (audit_id);

-- A monitor retries an alert it thinks failed: the same alert (monitor, state and the alert's own
-- time or identity) is recognised and stored once.
ALTER TABLE monitor_alerts ADD COLUMN dedupe_key text;
CREATE UNIQUE INDEX monitor_alerts_once ON monitor_alerts (dedupe_key) WHERE dedupe_key IS NOT NULL;

-- Evidence is never rewritten or removed, by firebreak or anyone who only holds its runtime grants.
CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$;
CREATE TRIGGER evidence_audit_logs_no_update BEFORE UPDATE OR DELETE ON evidence_audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
CREATE TRIGGER evidence_audit_logs_no_truncate BEFORE TRUNCATE ON evidence_audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
