-- The transactional outbox of tenant notifications: queued in the same transaction as the audit
-- record that authorised them, delivered with retries and backoff, dead-lettered when they cannot
-- be. One message per incident, tenant, phase, channel and recipient: never notified twice.
CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id     text NOT NULL REFERENCES incidents (id),
    tenant_id       uuid NOT NULL,
    phase           text NOT NULL CHECK (phase IN ('investigating', 'update', 'resolved')),
    channel         text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
    recipient       text NOT NULL,
    subject         text,
    body            text NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    provider_id     text,
    audit_id        bigint NOT NULL REFERENCES audit_records (id),
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    UNIQUE (incident_id, tenant_id, phase, channel, recipient)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
