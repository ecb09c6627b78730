-- The safety model of every function that changes something: plans, idempotency, and a
-- tamper-evident, append-only audit trail.

-- Every apply, undo and external call, in a hash chain: each record's hash covers its content and
-- the previous record's hash, so an edited, deleted or reordered record breaks the chain there.
CREATE TABLE audit_records (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chain_seq     bigint NOT NULL UNIQUE,
    at            timestamptz NOT NULL,
    token_id      text NOT NULL,
    role          text NOT NULL,
    function      text NOT NULL,
    action        text NOT NULL,
    reason        text NOT NULL,
    input         jsonb NOT NULL,
    plan          jsonb,
    rows_affected integer NOT NULL DEFAULT 0,
    external_ids  jsonb NOT NULL DEFAULT '[]'::jsonb,
    outcome       text NOT NULL,
    undo_of       bigint REFERENCES audit_records (id),
    prev_hash     text NOT NULL,
    hash          text NOT NULL UNIQUE
);

-- The digest of one record: its fields in a fixed order, timestamps in UTC, jsonb in its
-- normalised text form, so the same record always hashes the same whatever the session settings.
CREATE FUNCTION audit_digest(r audit_records) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
        r.prev_hash, r.chain_seq::text, r.id::text,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        r.token_id, r.role, r.function, r.action, r.reason, r.input::text, coalesce(r.plan::text, ''),
        r.rows_affected::text, r.external_ids::text, r.outcome, coalesce(r.undo_of::text, '')), 'UTF8')), 'hex')
$$;

-- Links each new record to the chain's head. The advisory lock serialises writers so the chain
-- never forks; it is transaction-scoped, so it holds behind a transaction-mode pooler too.
CREATE FUNCTION audit_records_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head audit_records%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('firebreak.audit_records', 0));
    SELECT * INTO head FROM audit_records ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(head.chain_seq, 0) + 1;
    NEW.prev_hash := coalesce(head.hash, 'genesis');
    NEW.hash := audit_digest(NEW);
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_records_chain BEFORE INSERT ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_chain();

CREATE FUNCTION audit_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_records is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM PUBLIC;

-- A dry run's plan: what an apply may change, pinned by a digest of exactly those changes.
CREATE TABLE plans (
    id         uuid PRIMARY KEY,
    function   text NOT NULL,
    scope      text NOT NULL,
    digest     text NOT NULL,
    content    jsonb NOT NULL,
    token_id   text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- One result per idempotency key and function: a repeated or racing apply returns the first.
CREATE TABLE idempotency_keys (
    function      text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    state         text NOT NULL CHECK (state IN ('running', 'done')),
    lease_until   timestamptz NOT NULL,
    status        integer,
    response      jsonb,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (function, key)
);
