-- A plan's change set when it is too large for the plan's answer (issue 19: a dry run over 1,000,000
-- rows answers a page, not every key): the keys kept beside the stored plan in chunks of at most the
-- batch size, each chunk one apply transaction. first_key is the chunk's offset in the set, so the
-- set can be paged by offset whatever the chunks' sizes. The rows are written before their plan row
-- (the plan's digest covers them), hence no foreign key; a dry run that fails removes its own.
CREATE TABLE plan_items (
    plan_id   uuid NOT NULL,
    kind      text NOT NULL,
    seq       integer NOT NULL,
    first_key bigint NOT NULL,
    key_count integer NOT NULL,
    keys      text[] NOT NULL,
    PRIMARY KEY (plan_id, kind, seq)
);

-- key_count spares reading (and detoasting) a chunk's keys to find the chunks a page needs.
CREATE INDEX plan_items_by_offset ON plan_items (plan_id, kind, first_key);
