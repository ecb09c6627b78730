-- The public status page: what customers are told, kept apart from the internal record. Nothing
-- internal is ever published implicitly: a public post is written only from an explicit `public`
-- part of declare/update/resolve-incident; components' states are derived at read time from the
-- declared signals, open incidents, maintenances and overrides. Posts, maintenances and overrides
-- are appended (afterMigrate revokes UPDATE and DELETE from the runtime role, cancellation is a new row).

CREATE TABLE status_posts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id   text NOT NULL REFERENCES incidents (id),
    status        text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    title         text NOT NULL,
    body          text NOT NULL,
    -- component id -> its status in this incident, as posted
    components    jsonb NOT NULL DEFAULT '{}'::jsonb,
    impact        text NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
    posted_at     timestamptz NOT NULL,
    posted_by     text NOT NULL,
    audit_id      bigint NOT NULL REFERENCES audit_records (id),
    -- the plan digest an approval was given for, when the policy asked for one
    approved_digest text
);
CREATE INDEX status_posts_by_incident ON status_posts (incident_id, posted_at, id);
CREATE INDEX status_posts_by_posted ON status_posts (posted_at DESC);

CREATE TABLE maintenances (
    id              text PRIMARY KEY CHECK (id ~ '^MNT-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9a-f]{6}$'),
    title           text NOT NULL,
    body            text NOT NULL,
    components      text[] NOT NULL CHECK (cardinality(components) > 0),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL CHECK (ends_at > starts_at),
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    audit_id        bigint NOT NULL REFERENCES audit_records (id)
);
CREATE INDEX maintenances_by_window ON maintenances (ends_at, starts_at);

CREATE TABLE maintenance_cancellations (
    maintenance_id  text PRIMARY KEY REFERENCES maintenances (id),
    cancelled_at    timestamptz NOT NULL,
    cancelled_by    text NOT NULL,
    reason          text NOT NULL,
    audit_id        bigint NOT NULL REFERENCES audit_records (id)
);

-- An explicit component state, newest per component wins; status NULL clears it.
CREATE TABLE component_overrides (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    component    text NOT NULL,
    status       text CHECK (status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage',
                                        'under_maintenance')),
    set_at       timestamptz NOT NULL,
    expires_at   timestamptz,
    set_by       text NOT NULL,
    reason       text NOT NULL,
    audit_id     bigint NOT NULL REFERENCES audit_records (id)
);
CREATE INDEX component_overrides_newest ON component_overrides (component, id DESC);

-- Subscribers hold only what delivery needs: the address, the components (empty: all) and state.
-- Their confirm/unsubscribe tokens and webhook signing secrets are derived from the server's
-- status secret and the subscriber id (HMAC), so none is stored anywhere.
CREATE TABLE status_subscribers (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('email', 'webhook')),
    address         text NOT NULL,
    components      text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    confirmed_at    timestamptz,
    unsubscribed_at timestamptz
);
CREATE UNIQUE INDEX status_subscribers_one_live ON status_subscribers (kind, lower(address))
    WHERE unsubscribed_at IS NULL;

-- The outbox of subscriber messages (confirmation emails, incident and maintenance updates).
CREATE TABLE status_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id   uuid NOT NULL REFERENCES status_subscribers (id),
    kind            text NOT NULL,
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
CREATE INDEX status_deliveries_due ON status_deliveries (next_attempt_at) WHERE state = 'pending';

-- Each public update and maintenance phase is fanned out to subscribers once, by whichever run
-- claims its key first; later runs (any instance, every minute) see it announced and skip it.
CREATE TABLE status_announcements (
    key          text PRIMARY KEY,
    announced_at timestamptz NOT NULL
);
