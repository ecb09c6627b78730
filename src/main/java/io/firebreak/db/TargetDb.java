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
 * FIREBREAK_TARGET_DEADLINE, every read READ ONLY under FIREBREAK_WRITE_STATEMENT_TIMEOUT, the bound
 * of every statement a function runs on the target (the probe has its own, shorter one: ProbeDb);
 * writes go through the safety model's TargetWrites.
 */
@Singleton
public class TargetDb extends GuardedPool {

    private final Duration readTimeout;

    @Inject
    public TargetDb(@ReactiveDataSource("target") Pool pool,
            @ConfigProperty(name = "firebreak.target.deadline", defaultValue = "5s") Duration deadline,
            @ConfigProperty(name = "firebreak.actions.statement-timeout", defaultValue = "5s") Duration readTimeout) {
        super(pool, "target", "target", deadline);
        // Inside the deadline, so a slow read is cancelled by the server (57014, the pool intact)
        // rather than cut at the socket when the deadline fires first.
        Duration inside = deadline.minusMillis(500);
        this.readTimeout = readTimeout.compareTo(inside) > 0 && !inside.isNegative() ? inside : readTimeout;
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
