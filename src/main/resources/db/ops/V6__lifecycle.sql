-- The incident lifecycle the seeds describe: impact, acknowledgement, roles, escalation level,
-- update cadence, the incident channel, resolution on evidence and the post-mortem.
-- incidents.severity keeps the canonical rank P0 (most severe) .. P3; the configured scale
-- (P0-P3, SEV1-SEV4, P1-P4) only changes how it is written to people.

ALTER TABLE incidents
    ADD COLUMN impact                 text,
    ADD COLUMN declared_by            text,
    ADD COLUMN acknowledged_at        timestamptz,
    ADD COLUMN acknowledged_by        text,
    ADD COLUMN escalation_level       integer NOT NULL DEFAULT 0 CHECK (escalation_level >= 0),
    ADD COLUMN escalated_at           timestamptz,
    ADD COLUMN last_update_at         timestamptz,
    ADD COLUMN update_reminded_for    timestamptz,
    ADD COLUMN update_overdue_for     timestamptz,
    ADD COLUMN channel_id             text,
    ADD COLUMN channel_name           text,
    ADD COLUMN channel_state          text CHECK (channel_state IN ('creating', 'created', 'failed', 'off')),
    ADD COLUMN mitigated_at           timestamptz,
    ADD COLUMN resolution             text,
    ADD COLUMN resolution_forced      boolean,
    ADD COLUMN tenants                uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN postmortem_written_at  timestamptz,
    ADD COLUMN postmortem_link        text,
    ADD COLUMN postmortem_reminded_at timestamptz;

ALTER TABLE incidents ADD CONSTRAINT incidents_severity_rank CHECK (severity IN ('P0', 'P1', 'P2', 'P3'));

CREATE INDEX incidents_open ON incidents (opened_at) WHERE status <> 'resolved';
CREATE INDEX incidents_postmortem_due ON incidents (resolved_at)
    WHERE status = 'resolved' AND postmortem_written_at IS NULL AND postmortem_reminded_at IS NULL;

-- Seed 003's roles; one person per role per incident, reassignment replaces.
CREATE TABLE incident_roles (
    incident_id text NOT NULL REFERENCES incidents (id),
    role        text NOT NULL CHECK (role IN ('commander', 'deputy', 'scribe', 'communications')),
    person      text NOT NULL,
    assigned_at timestamptz NOT NULL,
    assigned_by text NOT NULL,
    PRIMARY KEY (incident_id, role)
);

-- The outbox of messages to the team (Slack, email): queued in the transaction that records the
-- event they announce, delivered with retries. dedupe_key makes a reminder or escalation go out once.
CREATE TABLE team_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id     text NOT NULL REFERENCES incidents (id),
    kind            text NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('slack', 'email')),
    recipient       text NOT NULL,
    subject         text,
    body            text NOT NULL,
    dedupe_key      text NOT NULL UNIQUE,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    provider_id     text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);
CREATE INDEX team_messages_due ON team_messages (next_attempt_at) WHERE state = 'pending';
CREATE INDEX team_messages_by_incident ON team_messages (incident_id, id);
