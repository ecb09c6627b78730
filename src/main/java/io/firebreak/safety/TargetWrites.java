package io.firebreak.safety;

import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import io.firebreak.db.DatabaseUnavailable;
import io.firebreak.db.TargetDb;

/**
 * Short transactions on the target database with the safety model's bounds: every write under
 * statement_timeout and lock_timeout, inside an audited apply (it takes the {@link Applying} only
 * {@code PlannedActions.audited} hands out) and reporting the keys it committed, or those in doubt
 * when the connection was lost during COMMIT. Reads are TargetDb's.
 */
@ApplicationScoped
public class TargetWrites {

    static final String WRITE_LIMITS = "SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d";

    @Inject
    TargetDb target;

    @Inject
    ActionConfig config;

    /**
     * One write transaction. {@code work} answers the keys (of {@code kind}) it changed, from the
     * statement's RETURNING; they are recorded as committed once COMMIT succeeds. If the outcome of
     * COMMIT is unknown, every key in {@code attempted} is recorded as in doubt.
     */
    public Uni<List<String>> write(Applying apply, String kind, List<String> attempted,
            Function<SqlConnection, Uni<List<String>>> work) {
        String limits = WRITE_LIMITS.formatted(config.statementTimeout().toMillis(), config.lockTimeout().toMillis());
        return target.withTransaction(tx -> tx.query(limits).execute().flatMap(ignored -> work.apply(tx)))
                .invoke(changed -> apply.committed(kind, changed))
                .onFailure(DatabaseUnavailable.class).invoke(e -> {
                    if (((DatabaseUnavailable) e).inDoubt()) {
                        apply.inDoubt(kind, attempted);
                    }
                });
    }

    /**
     * One write transaction over chunk {@code seq} of a stored set: as {@link #write}, but the
     * ledger records the chunk (committed through it, the keys that did not change) rather than
     * every key, so a million keys never sit in the heap or the audit record.
     */
    public Uni<List<String>> writeChunk(Applying apply, String kind, java.util.UUID planId, int seq, List<String> attempted,
            Function<SqlConnection, Uni<List<String>>> work) {
        String limits = WRITE_LIMITS.formatted(config.statementTimeout().toMillis(), config.lockTimeout().toMillis());
        return target.withTransaction(tx -> tx.query(limits).execute().flatMap(ignored -> work.apply(tx)))
                .invoke(changed -> apply.committedChunk(kind, planId, seq, attempted, changed))
                .onFailure(DatabaseUnavailable.class).invoke(e -> {
                    if (((DatabaseUnavailable) e).inDoubt()) {
                        apply.inDoubtChunk(kind, planId, seq, attempted.size());
                    }
                });
    }

    /** Work over items in batches of FIREBREAK_BATCH_SIZE, one after the other: large changes hold no lock for long. */
    public <T> Uni<Integer> inBatches(List<T> items, Function<List<T>, Uni<Integer>> work) {
        Uni<Integer> total = Uni.createFrom().item(0);
        for (int from = 0; from < items.size(); from += config.batchSize()) {
            List<T> batch = items.subList(from, Math.min(items.size(), from + config.batchSize()));
            total = total.flatMap(sum -> work.apply(batch).map(n -> sum + n));
        }
        return total;
    }
}
