package io.firebreak.domain;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.firebreak.functions.ActionConfig;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Short transactions on the target database with the safety model's bounds: every write under
 * statement_timeout and lock_timeout, every parameterised read READ ONLY.
 */
@ApplicationScoped
public class TargetWrites {

    static final String WRITE_LIMITS = "SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d";
    static final String READ_LIMITS = "SET LOCAL statement_timeout = %d; SET TRANSACTION READ ONLY";

    @Inject
    @ReactiveDataSource("target")
    Pool target;

    @Inject
    ActionConfig config;

    public <T> Uni<T> write(Function<SqlConnection, Uni<T>> work) {
        String limits = WRITE_LIMITS.formatted(config.statementTimeout().toMillis(), config.lockTimeout().toMillis());
        return target.withTransaction(tx -> tx.query(limits).execute().flatMap(ignored -> work.apply(tx)));
    }

    /** Every row of one query, mapped (prepared when it has arguments, a simple query when not). */
    public static <T> Uni<java.util.List<T>> rows(SqlConnection tx, String sql, io.vertx.mutiny.sqlclient.Tuple args,
            Function<io.vertx.mutiny.sqlclient.Row, T> map) {
        var rows = args.size() == 0 ? tx.query(sql).execute() : tx.preparedQuery(sql).execute(args);
        return rows.map(set -> {
            java.util.List<T> list = new java.util.ArrayList<>(set.size());
            for (var row : set) {
                list.add(map.apply(row));
            }
            return list;
        });
    }

    /** A read with parameters (the caller's values never enter the SQL text). */
    public <T> Uni<T> read(Function<SqlConnection, Uni<T>> work) {
        String limits = READ_LIMITS.formatted(config.statementTimeout().toMillis());
        return target.withTransaction(tx -> tx.query(limits).execute().flatMap(ignored -> work.apply(tx)));
    }
}
