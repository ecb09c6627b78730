package io.firebreak.functions.dbhealth;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.TargetDb;
import io.firebreak.platform.LogText;

/**
 * The Postgres runbook queries seeds 001–004 paste by hand (connections, long-running queries, lock
 * waits, pg_stat_statements, bloat, sizes), read from the target's statistics views in one
 * read-only transaction with a statement timeout.
 */
@ApplicationScoped
public class DatabaseHealth {

    /** Seeds 001/002/004 "active connections", split by state, against what the server allows. */
    static final String BY_STATE = """
            SELECT coalesce(state, 'unknown') AS state, count(*) AS sessions
            FROM pg_stat_activity
            WHERE backend_type = 'client backend'
            GROUP BY 1
            ORDER BY 2 DESC""";

    static final String LIMITS = """
            SELECT current_setting('max_connections')::int AS max_connections,
                   current_setting('superuser_reserved_connections')::int AS reserved,
                   current_database() AS database,
                   pg_database_size(current_database()) AS database_bytes,
                   current_setting('server_version_num')::int AS version""";

    static final String BY_CLIENT = """
            SELECT coalesce(nullif(application_name, ''), '(none)') AS application,
                   coalesce(usename, '(none)') AS usename,
                   coalesce(host(client_addr), 'local socket') AS client,
                   count(*) AS sessions,
                   count(*) FILTER (WHERE state = 'active') AS active,
                   count(*) FILTER (WHERE state = 'idle') AS idle,
                   count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction
            FROM pg_stat_activity
            WHERE backend_type = 'client backend'
            GROUP BY 1, 2, 3
            ORDER BY 4 DESC
            LIMIT 50""";

    /** Seeds 002 (state != 'idle'), 003 (> 5 s) and 004 (> 5 min): everything not idle for longer than $1 seconds. */
    static final String LONG_RUNNING = """
            SELECT pid, usename, application_name, state, wait_event_type, wait_event,
                   extract(epoch FROM now() - query_start)::float8 AS seconds,
                   left(query, 300) AS query
            FROM pg_stat_activity
            WHERE backend_type = 'client backend'
              AND state <> 'idle'
              AND pid <> pg_backend_pid()
              AND query_start < now() - make_interval(secs => $1)
            ORDER BY query_start
            LIMIT 50""";

    /** Seeds 002/003 "SELECT * FROM pg_locks WHERE NOT granted", as who blocks whom on what. */
    static final String LOCK_WAITS = """
            SELECT blocked.pid AS blocked_pid, blocked.usename AS blocked_user,
                   left(blocked.query, 300) AS blocked_query,
                   extract(epoch FROM now() - blocked.state_change)::float8 AS waiting_seconds,
                   (SELECT l.locktype || coalesce(' on ' || l.relation::regclass::text, '')
                    FROM pg_locks l WHERE l.pid = blocked.pid AND NOT l.granted LIMIT 1) AS waiting_for,
                   blocker.pid AS blocking_pid, blocker.usename AS blocking_user, blocker.state AS blocking_state,
                   left(blocker.query, 300) AS blocking_query,
                   extract(epoch FROM now() - blocker.xact_start)::float8 AS blocking_transaction_seconds,
                   cardinality(pg_blocking_pids(blocker.pid)) = 0 AS root_blocker
            FROM pg_stat_activity blocked
            CROSS JOIN LATERAL unnest(pg_blocking_pids(blocked.pid)) AS b(pid)
            JOIN pg_stat_activity blocker ON blocker.pid = b.pid
            ORDER BY waiting_seconds DESC NULLS LAST
            LIMIT 50""";

    /** Seed 002 §7 "table bloat": tables with more than $1 dead tuples. */
    static final String BLOAT = """
            SELECT schemaname, relname, n_dead_tup, n_live_tup,
                   round(100.0 * n_dead_tup / greatest(n_live_tup + n_dead_tup, 1), 1)::float8 AS dead_percent,
                   last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
            FROM pg_stat_user_tables
            WHERE n_dead_tup > $1
            ORDER BY n_dead_tup DESC
            LIMIT 20""";

    /** Seeds 002/004 "table sizes" (001's database size is in LIMITS). */
    static final String SIZES = """
            SELECT schemaname, relname, pg_total_relation_size(relid) AS total_bytes,
                   pg_relation_size(relid) AS table_bytes, n_live_tup
            FROM pg_stat_user_tables
            ORDER BY pg_total_relation_size(relid) DESC
            LIMIT $1""";

    static final String STATEMENTS_EXTENSION = """
            SELECT n.nspname AS schema
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname = 'pg_stat_statements'""";

    /** Seed 002 §7 "slowest statements"; %s is the extension's schema from the catalog, quoted. */
    static final String SLOWEST = """
            SELECT left(query, 300) AS query, calls, mean_exec_time::float8 AS mean_ms,
                   total_exec_time::float8 AS total_ms, rows
            FROM %s.pg_stat_statements
            ORDER BY mean_exec_time DESC
            LIMIT 10""";

    @Inject
    TargetDb target;

    @RegisterForReflection
    public record StateCount(String state, long sessions) {
    }

    @RegisterForReflection
    public record ClientCount(String application, String user, String client, long sessions, long active, long idle,
            long idleInTransaction) {
    }

    @RegisterForReflection
    public record Limits(int maxConnections, int reserved, String database, long databaseBytes, int version) {
    }

    @RegisterForReflection
    public record LongRunning(int pid, String user, String application, String state, String waitEventType,
            String waitEvent, double seconds, String query) {
    }

    @RegisterForReflection
    public record LockWait(int blockedPid, String blockedUser, String blockedQuery, Double waitingSeconds,
            String waitingFor, int blockingPid, String blockingUser, String blockingState, String blockingQuery,
            Double blockingTransactionSeconds, boolean rootBlocker) {
    }

    @RegisterForReflection
    public record Bloat(String schema, String table, long deadTuples, long liveTuples, double deadPercent,
            OffsetDateTime lastVacuum, OffsetDateTime lastAutovacuum, OffsetDateTime lastAnalyze,
            OffsetDateTime lastAutoanalyze) {
    }

    @RegisterForReflection
    public record TableSize(String schema, String table, long totalBytes, long tableBytes, long liveTuples) {
    }

    @RegisterForReflection
    public record Statement(String query, long calls, double meanMs, double totalMs, long rows) {
    }

    /** pg_stat_statements' answer: the statements, or why there are none. */
    public record Statements(List<Statement> slowest, String skipped) {
    }

    /** One read of everything but pg_stat_statements (which can fail on its own: see {@link #slowest()}). */
    public record Snapshot(Limits limits, List<StateCount> byState, List<ClientCount> byClient,
            List<LongRunning> longRunning, List<LockWait> lockWaits, List<Bloat> bloat, List<TableSize> sizes) {
    }

    public Uni<Snapshot> snapshot(int longRunningSeconds, long deadTuples, int tables) {
        return target.read(tx -> GuardedPool.rows(tx, LIMITS, Tuple.tuple(), DatabaseHealth::limits)
                .flatMap(limits -> GuardedPool.rows(tx, BY_STATE, Tuple.tuple(), r -> new StateCount(r.getString("state"),
                        r.getLong("sessions")))
                        .flatMap(states -> GuardedPool.rows(tx, BY_CLIENT, Tuple.tuple(), DatabaseHealth::client)
                                .flatMap(clients -> GuardedPool.rows(tx, LONG_RUNNING, Tuple.of(longRunningSeconds),
                                        DatabaseHealth::longRunning)
                                        .flatMap(running -> GuardedPool.rows(tx, LOCK_WAITS, Tuple.tuple(), DatabaseHealth::lockWait)
                                                .flatMap(locks -> GuardedPool.rows(tx, BLOAT, Tuple.of(deadTuples), DatabaseHealth::bloat)
                                                        .flatMap(bloat -> GuardedPool.rows(tx, SIZES, Tuple.of(tables),
                                                                DatabaseHealth::size)
                                                                .map(sizes -> new Snapshot(limits.get(0), states,
                                                                        clients, running, locks, bloat, sizes)))))))));
    }

    /**
     * The slowest statements by mean time, or the reason there are none: the extension is not
     * installed, or installed but not loaded through shared_preload_libraries.
     */
    public Uni<Statements> slowest() {
        return target.read(tx -> tx.query(STATEMENTS_EXTENSION).execute()).flatMap(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(new Statements(List.of(),
                        "pg_stat_statements is not installed (CREATE EXTENSION pg_stat_statements; on Supabase it is on by default)"));
            }
            String schema = Identifiers.quote(rows.iterator().next().getString("schema"));
            return target.read(tx -> GuardedPool.rows(tx, SLOWEST.formatted(schema), Tuple.tuple(), DatabaseHealth::statement))
                    .map(list -> new Statements(list, null))
                    .onFailure().recoverWithItem(e -> new Statements(List.of(),
                            "pg_stat_statements cannot be read: " + LogText.firstLine(e.getMessage())));
        });
    }

    private static Limits limits(Row r) {
        return new Limits(r.getInteger("max_connections"), r.getInteger("reserved"), r.getString("database"),
                r.getLong("database_bytes"), r.getInteger("version"));
    }

    private static ClientCount client(Row r) {
        return new ClientCount(r.getString("application"), r.getString("usename"), r.getString("client"),
                r.getLong("sessions"), r.getLong("active"), r.getLong("idle"), r.getLong("idle_in_transaction"));
    }

    private static LongRunning longRunning(Row r) {
        return new LongRunning(r.getInteger("pid"), r.getString("usename"), r.getString("application_name"),
                r.getString("state"), r.getString("wait_event_type"), r.getString("wait_event"),
                Optional.ofNullable(r.getDouble("seconds")).orElse(0d), r.getString("query"));
    }

    private static LockWait lockWait(Row r) {
        return new LockWait(r.getInteger("blocked_pid"), r.getString("blocked_user"), r.getString("blocked_query"),
                r.getDouble("waiting_seconds"), r.getString("waiting_for"), r.getInteger("blocking_pid"),
                r.getString("blocking_user"), r.getString("blocking_state"), r.getString("blocking_query"),
                r.getDouble("blocking_transaction_seconds"), Boolean.TRUE.equals(r.getBoolean("root_blocker")));
    }

    private static Bloat bloat(Row r) {
        return new Bloat(r.getString("schemaname"), r.getString("relname"), r.getLong("n_dead_tup"),
                r.getLong("n_live_tup"), r.getDouble("dead_percent"), r.getOffsetDateTime("last_vacuum"),
                r.getOffsetDateTime("last_autovacuum"), r.getOffsetDateTime("last_analyze"),
                r.getOffsetDateTime("last_autoanalyze"));
    }

    private static TableSize size(Row r) {
        return new TableSize(r.getString("schemaname"), r.getString("relname"), r.getLong("total_bytes"),
                r.getLong("table_bytes"), r.getLong("n_live_tup"));
    }

    private static Statement statement(Row r) {
        return new Statement(r.getString("query"), r.getLong("calls"), r.getDouble("mean_ms"), r.getDouble("total_ms"),
                r.getLong("rows"));
    }
}
