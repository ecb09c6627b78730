-- contain-breach: the evidence it preserves before anything changes (seed 003: never delete logs
-- or evidence), and each step's outcome per plan, so a retry resumes without repeating finished steps.
CREATE TABLE evidence_audit_logs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     uuid NOT NULL,
    scope       text NOT NULL,
    captured_at timestamptz NOT NULL,
    source_id   bigint NOT NULL,
    row_data    jsonb NOT NULL,
    UNIQUE (plan_id, source_id)
);

CREATE TABLE action_steps (
    plan_id  uuid NOT NULL,
    step     text NOT NULL,
    state    text NOT NULL CHECK (state IN ('done', 'failed')),
    detail   jsonb NOT NULL,
    at       timestamptz NOT NULL,
    PRIMARY KEY (plan_id, step)
);
