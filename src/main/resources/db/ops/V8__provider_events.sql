-- Every signed provider event that reached firebreak, whatever it was: what it said (type and
-- reference, never the payload: it carries customers' details) and what firebreak did with it.
-- Providers send every event type to one URL and re-deliver anything answered with a non-2xx, so
-- an event firebreak does not act on is answered 200 and recorded here as ignored, with its type.
CREATE TABLE provider_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    provider    text NOT NULL,
    event       text NOT NULL,
    reference   text,
    action      text NOT NULL CHECK (action IN ('settled', 'verified', 'ignored')),
    finding     text,
    audit_id    bigint REFERENCES audit_records (id)
);
CREATE INDEX provider_events_by_received ON provider_events (received_at);
CREATE INDEX provider_events_by_reference ON provider_events (reference) WHERE reference IS NOT NULL;

-- contain-breach: a step with nothing to act on (a target without auth.sessions) is recorded as skipped, with why.
ALTER TABLE action_steps DROP CONSTRAINT action_steps_state_check;
ALTER TABLE action_steps ADD CONSTRAINT action_steps_state_check CHECK (state IN ('done', 'failed', 'skipped'));
