package io.firebreak.db;

import java.time.Duration;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The application's database as the functions use it, with its timeouts: every use bounded by
 * FIREBREAK_TARGET_DEADLINE, every read READ ONLY under FIREBREAK_TARGET_STATEMENT_TIMEOUT (the one
 * read path); writes go through the safety model's TargetWrites.
 */
@Singleton
public class TargetDb extends GuardedPool {

    private final Duration readTimeout;

    @Inject
    public TargetDb(@ReactiveDataSource("target") Pool pool,
            @ConfigProperty(name = "firebreak.target.deadline", defaultValue = "5s") Duration deadline,
            @ConfigProperty(name = "firebreak.target.statement-timeout", defaultValue = "1500ms") Duration readTimeout) {
        super(pool, "target", "target", deadline);
        this.readTimeout = readTimeout;
    }

    /** statement_timeout of every read on the target. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** A read with parameters (the caller's values never enter the SQL text). */
    public <T> Uni<T> read(Function<SqlConnection, Uni<T>> work) {
        return read(readTimeout, work);
    }

    /** A read of one validated text, in one round trip. */
    public Uni<RowSet<Row>> readOnly(String query) {
        return readOnly(readTimeout, query);
    }
}
