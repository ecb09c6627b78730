package io.firebreak.functions.vacuumanalyze;

import java.time.Duration;
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
import io.firebreak.safety.ActionConfig;

/**
 * Seed 002 §7's "ANALYZE lots" and "VACUUM ANALYZE lots": tables are found in the catalog (never
 * taken from the caller's text), then maintained one at a time on one connection with a statement
 * and lock timeout, since VACUUM cannot run inside a transaction.
 */
@ApplicationScoped
public class TableMaintenance {

    static final String TABLE = """
            SELECT c.oid::int8 AS oid, n.nspname, c.relname, s.n_live_tup, s.n_dead_tup,
                   s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
                   pg_total_relation_size(c.oid) AS total_bytes
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
            WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname = $1 AND c.relname = $2
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'""";

    @Inject
    io.firebreak.db.TargetDb pool;

    @Inject
    TargetDb target;

    @Inject
    ActionConfig config;

    @RegisterForReflection
    public record Table(long oid, String schema, String name, Long liveTuples, Long deadTuples, OffsetDateTime lastVacuum,
            OffsetDateTime lastAutovacuum, OffsetDateTime lastAnalyze, OffsetDateTime lastAutoanalyze, long totalBytes) {

        public String qualified() {
            return Identifiers.qualified(schema, name);
        }
    }

    public Uni<Optional<Table>> find(String schema, String name) {
        return target.read(tx -> GuardedPool.rows(tx, TABLE, Tuple.of(schema, name), TableMaintenance::table))
                .map(list -> list.stream().findFirst());
    }

    /** The statement for a table the catalog returned; the name is quoted from the catalog's spelling. */
    public static String statement(Table table, boolean analyzeOnly) {
        return (analyzeOnly ? "ANALYZE " : "VACUUM (ANALYZE) ") + table.qualified();
    }

    /** Runs one maintenance statement under the timeouts, inside an audited apply; answers how long it took. */
    public Uni<Duration> run(io.firebreak.safety.Applying apply, String table, String statement, Duration timeout) {
        String limits = "SET statement_timeout = " + timeout.toMillis() + "; SET lock_timeout = "
                + config.lockTimeout().toMillis();
        // Its own deadline: the statement may run for its whole timeout, then the RESET.
        return pool.withConnection(timeout.plus(pool.deadline()), conn -> {
            long start = System.nanoTime();
            return conn.query(limits).execute()
                    .flatMap(set -> conn.query(statement).execute())
                    .map(done -> Duration.ofNanos(System.nanoTime() - start))
                    .invoke(took -> apply.committed("tables", List.of(table)))
                    // The pooled connection goes back with the server's defaults, whatever happened.
                    .eventually(() -> conn.query("RESET statement_timeout; RESET lock_timeout").execute()
                            .onFailure().recoverWithNull());
        });
    }

    private static Table table(Row r) {
        return new Table(r.getLong("oid"), r.getString("nspname"), r.getString("relname"), r.getLong("n_live_tup"),
                r.getLong("n_dead_tup"), r.getOffsetDateTime("last_vacuum"), r.getOffsetDateTime("last_autovacuum"),
                r.getOffsetDateTime("last_analyze"), r.getOffsetDateTime("last_autoanalyze"), r.getLong("total_bytes"));
    }
}
