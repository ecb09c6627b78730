-- Emergency snapshots (seed 003 "take emergency backup", seed 004 "database backup"): named tables of
-- the target copied into the ops database as CSV (COPY), in chunks, with the row count and a SHA-256
-- of the bytes. Taken in one ops transaction: a snapshot is all there or not at all. Append-only for
-- the runtime role (afterMigrate), like the rest of the evidence.
CREATE TABLE snapshots (
    id           uuid PRIMARY KEY,
    table_name   text NOT NULL,
    incident_id  text REFERENCES incidents (id),
    taken_at     timestamptz NOT NULL,
    format       text NOT NULL CHECK (format = 'csv'),
    rows_copied  bigint NOT NULL,
    bytes        bigint NOT NULL,
    sha256       text NOT NULL,
    chunks       integer NOT NULL,
    token_id     text NOT NULL,
    reason       text NOT NULL
);
CREATE INDEX snapshots_by_incident ON snapshots (incident_id) WHERE incident_id IS NOT NULL;

CREATE TABLE snapshot_chunks (
    snapshot_id  uuid NOT NULL REFERENCES snapshots (id) DEFERRABLE INITIALLY DEFERRED,
    seq          integer NOT NULL,
    data         bytea NOT NULL,
    PRIMARY KEY (snapshot_id, seq)
);

-- Who made a plan, by name as well as token: an approver must be neither its author nor its requester.
ALTER TABLE plans ADD COLUMN person text;
