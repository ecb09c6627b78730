package io.firebreak.domain;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Pools whose connections cannot hang forever. A database host that accepts TCP and never answers
 * would otherwise hold a pool slot in the handshake until the kernel gives up, hours later; with a
 * connect timeout and a socket idle timeout the slot comes back and the pool recovers with the host.
 */
public final class BoundedPools {

    public static final String APPLICATION_NAME = "firebreak";

    private BoundedPools() {
    }

    static Pool create(PgPoolCreator.Input input) {
        var config = ConfigProvider.getConfig();
        Duration connect = config.getOptionalValue("firebreak.db.connect-timeout", Duration.class)
                .orElse(Duration.ofSeconds(2));
        Duration idle = config.getOptionalValue("firebreak.db.socket-idle-timeout", Duration.class)
                .orElse(Duration.ofSeconds(30));
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) connect.toMillis());
            options.setIdleTimeout((int) idle.toMillis());
            options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            // pg_stat_activity shows firebreak's own sessions by this name; terminate-sessions never ends them.
            options.addProperty("application_name", APPLICATION_NAME);
        }
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx()).build();
    }

    /** The target database's pool. */
    @Singleton
    @ReactiveDataSource("target")
    public static class Target implements PgPoolCreator {
        @Override
        public Pool create(Input input) {
            return BoundedPools.create(input);
        }
    }

    /** The ops database's pool. */
    @Singleton
    @ReactiveDataSource("ops")
    public static class Ops implements PgPoolCreator {
        @Override
        public Pool create(Input input) {
            return BoundedPools.create(input);
        }
    }
}
