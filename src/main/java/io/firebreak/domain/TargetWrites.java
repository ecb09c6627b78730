package io.firebreak.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.firebreak.db.DatabaseUnavailable;
import io.firebreak.db.TargetDb;
import io.firebreak.functions.ActionConfig;
import io.firebreak.functions.Applying;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Short transactions on the target database with the safety model's bounds: every write under
 * statement_timeout and lock_timeout, inside an audited apply (it takes the {@link Applying} only
 * {@code PlannedActions.audited} hands out) and reporting the keys it committed, or those in doubt
 * when the connection was lost during COMMIT; every parameterised read READ ONLY.
 */
@ApplicationScoped
public class TargetWrites {

    static final String WRITE_LIMITS = "SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d";
    static final String READ_LIMITS = "SET LOCAL statement_timeout = %d; SET TRANSACTION READ ONLY";

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

    /** Every row of one query, mapped (prepared when it has arguments, a simple query when not). */
    public static <T> Uni<List<T>> rows(SqlConnection tx, String sql, Tuple args, Function<Row, T> map) {
        var rows = args.size() == 0 ? tx.query(sql).execute() : tx.preparedQuery(sql).execute(args);
        return rows.map(set -> {
            List<T> list = new ArrayList<>(set.size());
            for (var row : set) {
                list.add(map.apply(row));
            }
            return list;
        });
    }

    /** The first column of every row, as text: what a write's RETURNING answers. */
    public static Uni<List<String>> keys(SqlConnection tx, String sql, Tuple args) {
        return rows(tx, sql, args, r -> String.valueOf(r.getValue(0)));
    }

    /** A read with parameters (the caller's values never enter the SQL text). */
    public <T> Uni<T> read(Function<SqlConnection, Uni<T>> work) {
        String limits = READ_LIMITS.formatted(config.statementTimeout().toMillis());
        return target.withTransaction(tx -> tx.query(limits).execute().flatMap(ignored -> work.apply(tx)));
    }
}
