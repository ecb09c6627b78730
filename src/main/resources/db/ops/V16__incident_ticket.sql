-- Seed 003's incident ticket: the GitHub issue an incident is tracked in (IncidentTicket). The
-- issue's number and URL are stored once it exists, so a retried create never opens a second one.
ALTER TABLE incidents ADD COLUMN ticket_number integer;
ALTER TABLE incidents ADD COLUMN ticket_url text;

-- The ticket's outbox: one row per issue call, delivered strictly in id order per incident (a
-- comment waits until the create before it has completed and its number is stored).
CREATE TABLE ticket_actions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id     text NOT NULL REFERENCES incidents (id),
    kind            text NOT NULL CHECK (kind IN ('create', 'comment', 'close')),
    body            text,
    dedupe_key      text NOT NULL UNIQUE,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    provider_id     text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);
CREATE INDEX ticket_actions_due ON ticket_actions (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ticket_actions_by_incident ON ticket_actions (incident_id, id);
