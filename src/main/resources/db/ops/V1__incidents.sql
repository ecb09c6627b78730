-- firebreak's own state: incidents, their timelines, every confirmation and monitor alert.
-- It lives in the ops database so that it survives an outage of the database it diagnoses.

CREATE TABLE incident_day_counters (
    day      date PRIMARY KEY,
    last_seq integer NOT NULL
);

CREATE TABLE incidents (
    id          text PRIMARY KEY CHECK (id ~ '^INC-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{3,}$'),
    title       text NOT NULL,
    severity    text NOT NULL,
    status      text NOT NULL DEFAULT 'investigating'
                CHECK (status IN ('investigating', 'mitigating', 'monitoring', 'resolved')),
    fingerprint text,
    source      text NOT NULL,
    opened_at   timestamptz NOT NULL,
    resolved_at timestamptz,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);

-- Never two open incidents for the same cause, whatever races the application loses.
CREATE UNIQUE INDEX incidents_one_open_per_fingerprint
    ON incidents (fingerprint) WHERE status <> 'resolved';
CREATE INDEX incidents_by_opened ON incidents (opened_at DESC);

CREATE TABLE timeline_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id text NOT NULL REFERENCES incidents (id),
    at          timestamptz NOT NULL,
    kind        text NOT NULL,
    source      text NOT NULL,
    summary     text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX timeline_events_by_incident ON timeline_events (incident_id, at, id);

-- Every probe result, healthy ones included: the evidence a resolution is later judged on.
CREATE TABLE confirmations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    trigger     text NOT NULL CHECK (trigger IN ('http', 'schedule', 'monitor')),
    verdict     text NOT NULL CHECK (verdict IN ('healthy', 'degraded', 'outage')),
    severity    text,
    fingerprint text,
    took_ms     numeric(10, 2) NOT NULL,
    checks      jsonb NOT NULL,
    incident_id text REFERENCES incidents (id)
);
CREATE INDEX confirmations_by_at ON confirmations (at);

-- Flap protection for the scheduled probe: how many unhealthy results in a row.
CREATE TABLE probe_streaks (
    trigger            text PRIMARY KEY,
    unhealthy_in_a_row integer NOT NULL,
    fingerprint        text,
    updated_at         timestamptz NOT NULL
);

CREATE TABLE monitor_alerts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at  timestamptz NOT NULL,
    provider     text NOT NULL CHECK (provider IN ('uptimerobot', 'alertmanager')),
    monitor      text NOT NULL,
    monitor_url  text,
    state        text NOT NULL CHECK (state IN ('down', 'up', 'firing', 'resolved', 'other')),
    details      jsonb NOT NULL,
    action       text NOT NULL,
    incident_id  text REFERENCES incidents (id)
);
CREATE INDEX monitor_alerts_by_received ON monitor_alerts (received_at);
