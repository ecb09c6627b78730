package io.firebreak.domain;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.functions.Actor;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The append-only, hash-chained audit trail in the ops database (V2__safety.sql): every apply,
 * undo and external call, with who, what, why and how many rows. The chain is linked by a trigger,
 * so no writer can forget it, and {@link #verify()} reports the first broken link.
 */
@ApplicationScoped
public class AuditTrail {

    static final String INSERT = """
            INSERT INTO audit_records (at, token_id, role, function, action, reason, input, plan, rows_affected,
                                       external_ids, outcome, undo_of)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            RETURNING id""";

    static final String FIND = """
            SELECT id, at, token_id, role, function, action, reason, input::text AS input, plan::text AS plan,
                   rows_affected, outcome, undo_of
            FROM audit_records WHERE id = $1""";

    static final String UNDONE = """
            SELECT id FROM audit_records WHERE undo_of = $1 AND action = 'undo' AND outcome = 'applied' LIMIT 1""";

    /** Each record against its own recomputed digest, its predecessor's hash and its position. */
    static final String CHAIN = """
            SELECT chain_seq, id, hash, prev_hash, audit_digest(r) AS recomputed,
                   coalesce(lag(hash) OVER (ORDER BY chain_seq), 'genesis') AS expected_prev,
                   row_number() OVER (ORDER BY chain_seq) AS position
            FROM audit_records r ORDER BY chain_seq""";

    /** What to write: the action, its actor and reason, its input and plan, and what came of it. */
    public record Entry(Actor actor, String function, String action, String reason, Object input, Object plan,
            int rowsAffected, List<String> externalIds, String outcome, Long undoOf) {
    }

    /** A stored record, as undo and tests read it. */
    public record Record(long id, Instant at, String tokenId, String role, String function, String action,
            String reason, JsonNode input, JsonNode plan, int rowsAffected, String outcome, Long undoOf) {
    }

    /** The result of walking the chain. */
    @RegisterForReflection
    public record Verification(boolean intact, long records, String headHash, Long firstBrokenId,
            Long firstBrokenSeq, String problem) {
    }

    @Inject
    @ReactiveDataSource("ops")
    Pool ops;

    @Inject
    OpsJson json;

    @Inject
    Clock clock;

    public Uni<Long> record(Entry e) {
        return record(ops, e);
    }

    /** Records inside the caller's transaction: the change and its audit record commit together or not at all. */
    public Uni<Long> record(io.vertx.mutiny.sqlclient.SqlClient client, Entry e) {
        return client.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(OffsetDateTime.now(clock),
                e.actor().tokenId(), e.actor().role(), e.function(), e.action(), e.reason(), json.jsonb(e.input()),
                json.jsonb(e.plan()), e.rowsAffected(),
                json.jsonb(e.externalIds() == null ? List.of() : e.externalIds()), e.outcome(), e.undoOf())))
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    public Uni<Optional<Record>> find(long id) {
        return ops.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row r = it.next();
            return Optional.of(new Record(r.getLong("id"), r.getOffsetDateTime("at").toInstant(),
                    r.getString("token_id"), r.getString("role"), r.getString("function"), r.getString("action"),
                    r.getString("reason"), json.tree(r.getString("input")), json.tree(r.getString("plan")),
                    r.getInteger("rows_affected"), r.getString("outcome"), r.getLong("undo_of")));
        });
    }

    /** The audit id of the applied undo of a record, if it was undone. */
    public Uni<Optional<Long>> undoneBy(long id) {
        return ops.preparedQuery(UNDONE).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(it.next().getLong("id")) : Optional.<Long>empty();
        });
    }

    public Uni<Verification> verify() {
        return ops.query(CHAIN).execute().map(rows -> {
            long count = 0;
            String head = "genesis";
            for (Row r : rows) {
                count++;
                String problem = null;
                if (!r.getString("hash").equals(r.getString("recomputed"))) {
                    problem = "the record's content no longer matches its hash (edited)";
                } else if (!r.getString("prev_hash").equals(r.getString("expected_prev"))) {
                    problem = "the link to the previous record is broken (a record was removed or reordered)";
                } else if (r.getLong("chain_seq") != r.getLong("position")) {
                    problem = "records are missing before this one";
                }
                if (problem != null) {
                    return new Verification(false, rows.size(), null, r.getLong("id"), r.getLong("chain_seq"),
                            problem);
                }
                head = r.getString("hash");
            }
            return new Verification(true, count, head, null, null, null);
        });
    }

}
