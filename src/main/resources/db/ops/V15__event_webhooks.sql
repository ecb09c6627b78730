-- Signed event webhooks (incident/EventWebhooks): one row per (subscriber, incident event), queued in
-- the transaction that wrote the timeline event, so an event is delivered if and only if it committed.
-- The body is fixed at queuing (retries resend the same bytes); the signature is made at each attempt.
CREATE TABLE event_webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id     text NOT NULL REFERENCES incidents (id),
    subscriber      text NOT NULL,
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    body            text NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    provider_id     text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    UNIQUE (subscriber, event_id)
);
CREATE INDEX event_webhook_deliveries_due ON event_webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX event_webhook_deliveries_by_incident ON event_webhook_deliveries (incident_id, id);
