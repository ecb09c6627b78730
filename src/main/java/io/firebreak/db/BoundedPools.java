package io.firebreak.db;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SqlConnectionBase;
import io.vertx.sqlclient.spi.ConnectionFactory;

/**
 * Pools whose connections cannot hang forever. A database host that accepts TCP and never answers
 * (a pooler whose database is down, a black-holed link) would otherwise hold a pool slot in the
 * start-up handshake for good: the client's own connect timeout covers only TCP. Here the whole
 * start-up (TCP, TLS, authentication) has one deadline, after which the pool gets its slot back
 * (a connection that completes later is closed); waiting for a slot is bounded too. Each
 * connection's backend pid is remembered ({@link OwnSessions}).
 */
public final class BoundedPools {

    public static final String APPLICATION_NAME = "firebreak";

    private BoundedPools() {
    }

    /** Every open connection of each pool, by pool name: a pool that found its target hung drops the idle ones. */
    static final java.util.concurrent.ConcurrentHashMap<String, java.util.Set<io.vertx.sqlclient.impl.Connection>> OPEN =
            new java.util.concurrent.ConcurrentHashMap<>();

    static Pool create(PgPoolCreator.Input input, String name, String deadlineProperty, Duration defaultDeadline) {
        var config = ConfigProvider.getConfig();
        Duration connect = config.getOptionalValue("firebreak.db.connect-timeout", Duration.class)
                .orElse(Duration.ofSeconds(2));
        Duration idle = config.getOptionalValue("firebreak.db.socket-idle-timeout", Duration.class)
                .orElse(Duration.ofSeconds(30));
        Duration acquire = config.getOptionalValue(deadlineProperty, Duration.class).orElse(defaultDeadline);
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) connect.toMillis());
            options.setIdleTimeout((int) idle.toMillis());
            options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            // pg_stat_activity shows firebreak's own sessions by this name.
            options.addProperty("application_name", APPLICATION_NAME);
        }
        var poolOptions = input.poolOptions();
        poolOptions.setConnectionTimeout((int) acquire.toMillis());
        poolOptions.setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        // The pool retires an idle connection well before its socket's idle timeout closes it: otherwise a
        // connection closing at that moment is handed out and the call's first statement fails on it.
        long poolIdle = Math.max(1, idle.toMillis() / 2);
        long configured = poolOptions.getIdleTimeoutUnit().toMillis(poolOptions.getIdleTimeout());
        if (configured <= 0 || configured > poolIdle) {
            poolOptions.setIdleTimeout((int) poolIdle);
            poolOptions.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        poolOptions.setPoolCleanerPeriod((int) Math.max(100, Math.min(1000, idle.toMillis() / 4)));
        List<SqlConnectOptions> targets = List.copyOf(input.pgConnectOptionsList());
        Pool pool = PgBuilder.pool().with(poolOptions).connectingTo(targets).using(input.vertx()).build();
        Vertx vertx = input.vertx();
        AtomicInteger next = new AtomicInteger();
        List<ConnectionFactory> factories = targets.stream()
                .map(o -> PgDriver.INSTANCE.createConnectionFactory(vertx, o)).toList();
        java.util.Set<io.vertx.sqlclient.impl.Connection> open = OPEN.computeIfAbsent(name,
                k -> java.util.concurrent.ConcurrentHashMap.newKeySet());
        return pool.connectionProvider(context -> within(vertx, context,
                factories.get(Math.floorMod(next.getAndIncrement(), factories.size())), connect, open));
    }

    /** One connection attempt under the start-up deadline; a late connection is closed, never pooled. */
    static Future<SqlConnection> within(Vertx vertx, Context context, ConnectionFactory factory, Duration deadline,
            java.util.Set<io.vertx.sqlclient.impl.Connection> open) {
        // Completed on the pool's context, as the pool requires of a new connection.
        Promise<SqlConnection> result = ((io.vertx.core.impl.ContextInternal) context).promise();
        long timer = vertx.setTimer(deadline.toMillis(), id -> result.tryFail(new io.vertx.core.VertxException(
                "no answer while connecting within " + deadline.toMillis() + " ms (TCP, TLS and authentication)", true)));
        factory.connect(context).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                result.tryFail(ar.cause());
            } else if (result.tryComplete(ar.result())) {
                if (ar.result() instanceof SqlConnectionBase<?> base) {
                    OwnSessions.opened(base.unwrap());
                    open.removeIf(c -> !c.isValid());
                    open.add(base.unwrap());
                }
            } else {
                ar.result().close();
            }
        });
        return result.future();
    }

    /** The target database's pool (the functions' reads and writes). */
    @Singleton
    @ReactiveDataSource("target")
    public static class Target implements PgPoolCreator {
        @Override
        public Pool create(Input input) {
            return BoundedPools.create(input, "target", "firebreak.target.deadline", Duration.ofSeconds(5));
        }
    }

    /** confirm-outage's own pool on the target: other functions' work never queues in front of a probe. */
    @Singleton
    @ReactiveDataSource("probe")
    public static class Probe implements PgPoolCreator {
        @Override
        public Pool create(Input input) {
            return BoundedPools.create(input, "probe", "firebreak.confirm.check-timeout", Duration.ofMillis(1800));
        }
    }

    /** The ops database's pool. */
    @Singleton
    @ReactiveDataSource("ops")
    public static class Ops implements PgPoolCreator {
        @Override
        public Pool create(Input input) {
            return BoundedPools.create(input, "ops", "firebreak.ops.deadline", Duration.ofSeconds(5));
        }
    }
}
