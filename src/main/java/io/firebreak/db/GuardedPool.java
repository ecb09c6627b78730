package io.firebreak.db;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.netty.channel.Channel;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionBase;

/**
 * One database's pool behind a deadline. Every use holds a connection of its own; when the
 * deadline passes, the connection is closed at the socket, so the pool slot comes back at once
 * (the PostgreSQL client's own close waits for the command in flight, which a hung server never
 * answers). Failures of reach (refused, lost, timed out, the server shutting down) become
 * {@link DatabaseUnavailable}; SQL errors pass through as they are.
 */
public class GuardedPool {

    static final String READ_LIMITS = "SET LOCAL statement_timeout = %d; SET TRANSACTION READ ONLY";

    private final Pool pool;
    private final String name;
    private final String database;
    private final Duration deadline;
    /** Connections handed out and not yet given back: the others are idle in the pool. */
    private final java.util.Set<Connection> inUse = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param name the pool's datasource name ({@link BoundedPools})
     * @param database what callers are told is unavailable ("ops", "target")
     */
    public GuardedPool(Pool pool, String name, String database, Duration deadline) {
        this.pool = pool;
        this.name = name;
        this.database = database;
        this.deadline = deadline;
    }

    public String database() {
        return database;
    }

    public Duration deadline() {
        return deadline;
    }

    /** A statement run on a connection of its own (simple protocol when it has no arguments). */
    public Statement query(String sql) {
        return new Statement(sql, false);
    }

    public Statement preparedQuery(String sql) {
        return new Statement(sql, true);
    }

    /** A statement before it runs, shaped like the client's own query API. */
    public final class Statement {
        private final String sql;
        private final boolean prepared;

        Statement(String sql, boolean prepared) {
            this.sql = sql;
            this.prepared = prepared;
        }

        public Uni<RowSet<Row>> execute() {
            return withConnection(conn -> prepared ? conn.preparedQuery(sql).execute() : conn.query(sql).execute());
        }

        public Uni<RowSet<Row>> execute(Tuple args) {
            return withConnection(conn -> conn.preparedQuery(sql).execute(args));
        }
    }

    public <T> Uni<T> withConnection(Function<SqlConnection, Uni<T>> work) {
        return withConnection(deadline, work);
    }

    /** Runs work on one connection within the deadline; past it the connection is closed under the work. */
    public <T> Uni<T> withConnection(Duration limit, Function<SqlConnection, Uni<T>> work) {
        return acquire().onFailure().transform(this::classify).flatMap(conn -> {
            AtomicBoolean abandoned = new AtomicBoolean();
            Connection raw = raw(conn);
            if (raw != null) {
                inUse.add(raw);
            }
            return Uni.createFrom().deferred(() -> work.apply(conn))
                    .ifNoItem().after(limit).failWith(() -> {
                        abandoned.set(true);
                        abandon(conn);
                        // The server did not answer: the pool's idle connections may be as dead as this one.
                        dropIdle();
                        return new DatabaseUnavailable(database, "no answer within " + limit.toMillis() + " ms", false);
                    })
                    .onFailure().transform(this::classify)
                    // A connection that was lost or killed (57P01) is never given back either: the pool could hand
                    // it out again before it notices the socket closing, failing call after call.
                    .onFailure(DatabaseUnavailable.class).invoke(e -> {
                        if (!abandoned.getAndSet(true)) {
                            abandon(conn);
                        }
                    })
                    // An abandoned connection is not given back: its socket is closing, the pool drops it. A
                    // caller that gave up (cancelled) leaves a command in flight: that connection is abandoned too.
                    .onTermination().call((item, failure, cancelled) -> {
                        if (raw != null) {
                            inUse.remove(raw);
                        }
                        if (cancelled && !abandoned.getAndSet(true)) {
                            abandon(conn);
                        }
                        return abandoned.get() ? Uni.createFrom().voidItem() : conn.close().onFailure().recoverWithNull();
                    });
        });
    }

    public <T> Uni<T> withTransaction(Function<SqlConnection, Uni<T>> work) {
        return withTransaction(deadline, work);
    }

    /**
     * A read on this pool that cannot write and cannot run long: READ ONLY under statement_timeout,
     * in one short transaction, so SET LOCAL ends with it and the pooled connection comes back clean.
     */
    public <T> Uni<T> read(Duration statementTimeout, Function<SqlConnection, Uni<T>> work) {
        String limits = READ_LIMITS.formatted(statementTimeout.toMillis());
        return withTransaction(tx -> tx.query(limits).execute().flatMap(ignored -> work.apply(tx)));
    }

    /**
     * The same bounds around one simple-protocol text (one round trip, fine behind a
     * transaction-mode pooler); its statements share the implicit transaction. Only values
     * firebreak validated are ever formatted into {@code query}.
     */
    public Uni<RowSet<Row>> readOnly(Duration statementTimeout, String query) {
        return query(READ_LIMITS.formatted(statementTimeout.toMillis()) + "; " + query).execute()
                .map(GuardedPool::lastResult);
    }

    /**
     * Several read-only queries in one simple-protocol message: one round trip, one implicit
     * transaction, the statement timeout on each (they run one after another); their results in order.
     */
    public Uni<java.util.List<RowSet<Row>>> readOnlyAll(Duration statementTimeout, java.util.List<String> queries) {
        return query(READ_LIMITS.formatted(statementTimeout.toMillis()) + "; " + String.join("; ", queries)).execute()
                .map(first -> {
                    java.util.List<RowSet<Row>> results = new java.util.ArrayList<>(queries.size());
                    // The two SETs answer a result each before the queries'.
                    RowSet<Row> current = first.next().next();
                    while (current != null) {
                        results.add(current);
                        current = current.next();
                    }
                    if (results.size() != queries.size()) {
                        throw new IllegalStateException(results.size() + " results for " + queries.size() + " queries");
                    }
                    return results;
                });
    }

    /** Every row of one query, mapped (prepared when it has arguments, a simple query when not). */
    public static <T> Uni<java.util.List<T>> rows(SqlConnection tx, String sql, Tuple args, Function<Row, T> map) {
        var rows = args.size() == 0 ? tx.query(sql).execute() : tx.preparedQuery(sql).execute(args);
        return rows.map(set -> {
            java.util.List<T> list = new java.util.ArrayList<>(set.size());
            for (var row : set) {
                list.add(map.apply(row));
            }
            return list;
        });
    }

    /** The first column of every row, as text: what a write's RETURNING answers. */
    public static Uni<java.util.List<String>> keys(SqlConnection tx, String sql, Tuple args) {
        return rows(tx, sql, args, r -> String.valueOf(r.getValue(0)));
    }

    /** A multi-statement text answers one result per statement: the query's is the last. */
    static RowSet<Row> lastResult(RowSet<Row> first) {
        RowSet<Row> current = first;
        while (current.next() != null) {
            current = current.next();
        }
        return current;
    }

    /**
     * A connection from the pool. A caller that gives up while waiting for one must not leak it:
     * a connection that arrives after the wait was cancelled goes straight back to the pool.
     */
    Uni<SqlConnection> acquire() {
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean over = new AtomicBoolean();
            emitter.onTermination(() -> over.set(true));
            pool.getDelegate().getConnection().onComplete(ar -> {
                if (ar.failed()) {
                    emitter.fail(ar.cause());
                } else if (over.get()) {
                    ar.result().close();
                } else {
                    emitter.complete(SqlConnection.newInstance(ar.result()));
                }
            });
        });
    }

    /**
     * One transaction within the deadline. A failure after COMMIT was sent, with the connection
     * lost, is {@link DatabaseUnavailable#inDoubt()}: the caller must not assume it rolled back.
     */
    public <T> Uni<T> withTransaction(Duration limit, Function<SqlConnection, Uni<T>> work) {
        AtomicBoolean committing = new AtomicBoolean();
        return withConnection(limit, conn -> conn.begin().flatMap(tx -> work.apply(conn)
                .onFailure().call(e -> tx.rollback().onFailure().recoverWithNull())
                .call(result -> {
                    committing.set(true);
                    return tx.commit();
                })))
                .onFailure(DatabaseUnavailable.class)
                .transform(e -> committing.get() ? ((DatabaseUnavailable) e).whileCommitting() : e);
    }

    /**
     * Reach failures become DatabaseUnavailable. On the target, a table, column or function that is
     * not there is the application's schema differing from firebreak's contract: a 409 naming it.
     * Anything else the server answered (SQL errors) stays as it is.
     */
    /** Undefined table, column, function, object or schema: the target's schema is not the contract's. */
    static final java.util.Set<String> CONTRACT_STATES = java.util.Set.of("42P01", "42703", "42883", "42704", "3F000");

    /** A value the caller gave does not fit the target column's type (22P02 text, 22003 range, 22007/8 dates). */
    static final java.util.Set<String> VALUE_STATES = java.util.Set.of("22P02", "22003", "22007", "22008");

    /** The target refused the statement itself: no privilege (42501), a sub-select of many rows (21000), a read-only server (25006). */
    static final java.util.Set<String> REFUSED_STATES = java.util.Set.of("42501", "21000", "25006");

    Throwable classify(Throwable e) {
        if (e instanceof io.firebreak.platform.FunctionError) {
            return e;
        }
        if (unreachable(e)) {
            return new DatabaseUnavailable(database, describe(e), false);
        }
        if (database.equals("target") && e instanceof PgException pg && pg.getSqlState() != null) {
            if (CONTRACT_STATES.contains(pg.getSqlState())) {
                return new io.firebreak.platform.FunctionError(409, "target_contract_mismatch", "the target database does "
                        + "not match firebreak's contract: " + pg.getErrorMessage() + " (docs/databases.md, The target contract)", null);
            }
            if (VALUE_STATES.contains(pg.getSqlState())) {
                return io.firebreak.platform.FunctionError.badInput("invalid_value", null,
                        "a value does not fit the target's column type: " + pg.getErrorMessage());
            }
            if (REFUSED_STATES.contains(pg.getSqlState())) {
                return new io.firebreak.platform.FunctionError(409, "target_refused", "the target refused: "
                        + pg.getErrorMessage() + " (" + pg.getSqlState() + "); nothing was changed by this statement", null);
            }
        }
        return e;
    }

    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                String state = pg.getSqlState() == null ? "" : pg.getSqlState();
                // 08 connection, 53 resources (too many connections), 57 operator intervention
                // (statement timeout, shutdown, cannot connect now), 28 authentication, 3D no database.
                return state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || state.startsWith("28") || state.startsWith("3D");
            }
            if (t instanceof ClosedConnectionException || t instanceof java.io.IOException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof VertxException || t instanceof io.vertx.core.impl.NoStackTraceThrowable) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof PgException pg) {
            message = pg.getErrorMessage() + " (" + pg.getSqlState() + ")";
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * Closes every idle connection of this pool at its socket: after a server stopped answering,
     * connections that sat idle through it may be stalled for good, and the next caller would find
     * one; fresh connections are cheap by comparison.
     */
    void dropIdle() {
        java.util.Set<Connection> open = BoundedPools.OPEN.getOrDefault(name, java.util.Set.of());
        for (Connection c : open) {
            if (!inUse.contains(c) && c.isValid()) {
                closeSocket(socket(c));
            }
        }
        open.removeIf(c -> !c.isValid());
    }

    /** The socket-level connection under a pooled one, or null when the client wraps it in a way not known here. */
    static Connection raw(SqlConnection conn) {
        return conn.getDelegate() instanceof SqlConnectionBase<?> base ? socket(base.unwrap()) : null;
    }

    static Connection socket(Connection connection) {
        Connection c = connection;
        while (c != null && !(c instanceof SocketConnectionBase) && c.unwrap() != c) {
            c = c.unwrap();
        }
        return c instanceof SocketConnectionBase ? c : null;
    }

    /** Closes the connection's socket at once, whatever is in flight: the pool then frees its slot. */
    static void abandon(SqlConnection conn) {
        Connection socket = raw(conn);
        if (socket == null) {
            conn.close().subscribe().with(ok -> {
            }, failed -> {
            });
            return;
        }
        closeSocket(socket);
    }

    private static void closeSocket(Connection socket) {
        if (socket instanceof SocketConnectionBase s) {
            Channel channel = s.socket().channelHandlerContext().channel();
            channel.eventLoop().execute(() -> channel.unsafe().close(channel.voidPromise()));
        }
    }
}
