-- Work queues of scheduled sweeps (the stuck-payment sweep): several workers at once take items
-- with FOR UPDATE SKIP LOCKED and a lease; a crashed worker's items are taken up again when its
-- lease runs out, and an item is finished only by the worker that holds it.
CREATE TABLE sweep_items (
    sweep       text NOT NULL,
    item        text NOT NULL,
    provider    text NOT NULL,
    state       text NOT NULL CHECK (state IN ('queued', 'done')),
    leased_by   text,
    lease_until timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    finding     text,
    changed     boolean,
    provider_id text,
    queued_at   timestamptz NOT NULL,
    done_at     timestamptz,
    PRIMARY KEY (sweep, item)
);
CREATE INDEX sweep_items_claimable ON sweep_items (sweep, state, queued_at) WHERE state = 'queued';
