-- The second pair of eyes: an apply whose function (or size) has an approval policy runs only with
-- enough approvals bound to its plan's exact digest. Requests, decisions and expiries are appended,
-- never changed (afterMigrate revokes UPDATE and DELETE from the runtime role); each also has its
-- audit record in the hash chain.
CREATE TABLE approval_requests (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        uuid NOT NULL UNIQUE REFERENCES plans (id),
    function       text NOT NULL,
    digest         text NOT NULL,
    rows_affected  integer NOT NULL,
    incident_id    text REFERENCES incidents (id),
    policy         jsonb NOT NULL,
    token_id       text NOT NULL,
    role           text NOT NULL,
    person         text,
    reason         text NOT NULL,
    requested_at   timestamptz NOT NULL,
    audit_id       bigint NOT NULL REFERENCES audit_records (id)
);

CREATE TABLE approval_decisions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES approval_requests (id),
    decision     text NOT NULL CHECK (decision IN ('approved', 'denied')),
    digest       text NOT NULL,
    token_id     text NOT NULL,
    role         text NOT NULL,
    person       text,
    authority    text NOT NULL,
    reason       text NOT NULL,
    decided_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    audit_id     bigint NOT NULL REFERENCES audit_records (id),
    -- One decision per approver and request: a second approval by the same token counts once.
    UNIQUE (request_id, token_id)
);
CREATE INDEX approval_decisions_by_request ON approval_decisions (request_id);

-- An approval found expired when an apply needed it: recorded once, with its audit record.
CREATE TABLE approval_expiries (
    decision_id  bigint PRIMARY KEY REFERENCES approval_decisions (id),
    noticed_at   timestamptz NOT NULL,
    audit_id     bigint NOT NULL REFERENCES audit_records (id)
);

-- How many rows a plan would change, so an approval request can be made from the plan alone.
ALTER TABLE plans ADD COLUMN rows_affected integer;
