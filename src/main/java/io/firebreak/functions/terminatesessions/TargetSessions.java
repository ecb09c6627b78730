package io.firebreak.functions.terminatesessions;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.BoundedPools;
import io.firebreak.db.GuardedPool;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.TargetWrites;

/**
 * Sessions on the target that seeds 002–004 end with pg_terminate_backend: idle ones older than N
 * (seed 002 §1), queries running longer than N (seed 004), or given pids (seed 003). A session is
 * pinned by pid and backend start, so a pid the server reused is never hit; firebreak's own,
 * superuser and replication sessions are listed as protected and never terminated.
 */
@ApplicationScoped
public class TargetSessions {

    /**
     * Why a session may not be terminated, or null; the apply checks the same rule again. firebreak's
     * own sessions are known by their backend pids ($2, this process's connections); another
     * firebreak instance's by its application name and its role together, which an application
     * session cannot both claim.
     */
    static final String PROTECTION = """
            CASE WHEN a.pid = pg_backend_pid() OR a.pid = ANY($2::int[])
                      OR (a.application_name = $1 AND a.usename = current_user) THEN 'firebreak''s own session'
                 WHEN r.rolsuper THEN 'superuser session'
                 WHEN a.backend_type <> 'client backend' THEN a.backend_type || ' (not a client session)'
                 WHEN a.datname IS DISTINCT FROM current_database()
                      THEN 'a session of another database (' || coalesce(a.datname, 'none') || '), not the target'
            END""";

    static final String COLUMNS = """
            SELECT a.pid, a.backend_start, a.usename, a.application_name, host(a.client_addr) AS client, a.state,
                   extract(epoch FROM now() - a.state_change)::float8 AS state_seconds,
                   extract(epoch FROM now() - a.query_start)::float8 AS query_seconds,
                   left(a.query, 300) AS query, %s AS protected
            FROM pg_stat_activity a LEFT JOIN pg_roles r ON r.oid = a.usesysid
            """.formatted(PROTECTION);

    /** Seed 002: state = 'idle' AND older than $2 seconds (since the session went idle). */
    static final String IDLE = COLUMNS + """
            WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.state = 'idle'
              AND a.state_change < now() - make_interval(secs => $3)
              AND ($4::text IS NULL OR a.application_name = $4)
            ORDER BY a.state_change
            LIMIT $5""";

    /** Seed 004: state = 'active' AND query_start older than $2 seconds. */
    static final String RUNNING = COLUMNS + """
            WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.state = 'active'
              AND a.query_start < now() - make_interval(secs => $3)
              AND ($4::text IS NULL OR a.application_name = $4)
            ORDER BY a.query_start
            LIMIT $5""";

    /** Seed 003: the pids an engineer names (from db-health's long-running or lock waits). */
    static final String PIDS = COLUMNS + """
            WHERE a.pid = ANY($3::int[])
            ORDER BY a.pid""";

    /** The planned sessions that are still the same sessions (pid and start) and may still be ended. */
    static final String STILL = COLUMNS + """
            WHERE (a.pid, a.backend_start) IN (SELECT * FROM unnest($3::int[], $4::timestamptz[]))
            ORDER BY a.pid""";

    /**
     * Signals each planned session that is still the same session and not protected (no wait inside
     * the statement: the caller checks which exited, so many sessions never outlast the timeout).
     */
    static final String TERMINATE = """
            SELECT a.pid, pg_terminate_backend(a.pid) AS terminated
            FROM pg_stat_activity a LEFT JOIN pg_roles r ON r.oid = a.usesysid
            WHERE a.datname = current_database()
              AND (a.pid, a.backend_start) IN (SELECT * FROM unnest($3::int[], $4::timestamptz[]))
              AND (%s) IS NULL""".formatted(PROTECTION);

    @Inject
    TargetWrites target;

    @Inject
    TargetDb reads;

    @RegisterForReflection
    public record Session(int pid, OffsetDateTime backendStart, String user, String application, String client,
            String state, Double stateSeconds, Double querySeconds, String query, String protectedBecause) {

        public boolean terminable() {
            return protectedBecause == null;
        }
    }

    public Uni<List<Session>> idle(int seconds, String application, int limit) {
        return select(IDLE, Tuple.of(BoundedPools.APPLICATION_NAME, own(), seconds, application, limit));
    }

    public Uni<List<Session>> running(int seconds, String application, int limit) {
        return select(RUNNING, Tuple.of(BoundedPools.APPLICATION_NAME, own(), seconds, application, limit));
    }

    public Uni<List<Session>> pids(List<Integer> pids) {
        return select(PIDS, Tuple.of(BoundedPools.APPLICATION_NAME, own(), pids.toArray(new Integer[0])));
    }

    public Uni<List<Session>> still(List<Integer> pids, List<OffsetDateTime> starts) {
        return select(STILL, Tuple.of(BoundedPools.APPLICATION_NAME, own(), pids.toArray(new Integer[0]),
                starts.toArray(new OffsetDateTime[0])));
    }

    /** Signals the planned sessions inside an audited apply; answers the pids that were signalled. */
    public Uni<List<Integer>> terminate(io.firebreak.safety.Applying apply, List<Integer> pids,
            List<OffsetDateTime> starts) {
        return target.write(apply, "sessions", pids.stream().map(String::valueOf).toList(),
                tx -> GuardedPool.rows(tx, TERMINATE, Tuple.of(BoundedPools.APPLICATION_NAME, own(),
                        pids.toArray(new Integer[0]), starts.toArray(new OffsetDateTime[0])),
                        row -> Boolean.TRUE.equals(row.getBoolean("terminated")) ? String.valueOf(row.getInteger("pid")) : null)
                        .map(list -> list.stream().filter(java.util.Objects::nonNull).toList()))
                .map(done -> done.stream().map(Integer::valueOf).toList());
    }

    private static Integer[] own() {
        return io.firebreak.db.OwnSessions.pids().toArray(new Integer[0]);
    }

    private Uni<List<Session>> select(String sql, Tuple args) {
        return reads.read(tx -> GuardedPool.rows(tx, sql, args, TargetSessions::session));
    }

    private static Session session(Row r) {
        return new Session(r.getInteger("pid"), r.getOffsetDateTime("backend_start"), r.getString("usename"),
                r.getString("application_name"), r.getString("client"), r.getString("state"),
                r.getDouble("state_seconds"), r.getDouble("query_seconds"), r.getString("query"), r.getString("protected"));
    }
}
