package io.firebreak.functions.toperrors;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.TargetDb;

/**
 * The application's error log, whatever its seed calls the columns (seed 001: error_type,
 * error_message, occurred_at; seed 003: code, message, ts; seed 004: created_at): the columns are
 * found in the catalog, or configured, and only catalog-confirmed names enter the SQL, quoted. The
 * error rate the resolution criteria use is measured here too, so both read the same log.
 */
@ApplicationScoped
public class ErrorLog {

    static final String COLUMNS = """
            SELECT column_name::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2""";

    /** Seeds 001/003 "top errors in the last hour": %1$s type, %2$s message, %3$s time, %4$s table, %5$s service filter. */
    static final String TOP = """
            SELECT %1$s::text AS type, left(%2$s::text, 300) AS message, count(*) AS count,
                   min(%3$s) AS first_at, max(%3$s) AS last_at
            FROM %4$s
            WHERE %3$s > now() - make_interval(mins => $1)%5$s
            GROUP BY 1, 2
            ORDER BY 3 DESC
            LIMIT $2""";

    static final String COUNT = """
            SELECT count(*) AS n FROM %s WHERE %s > now() - make_interval(mins => $1)""";

    static final List<String> TIME = List.of("occurred_at", "created_at", "ts", "timestamp", "logged_at");
    static final List<String> TYPE = List.of("error_type", "code", "type", "level", "service");
    static final List<String> MESSAGE = List.of("error_message", "message", "msg");

    /** Where the errors and the requests they are rated against live; columns are found when not set. */
    @ConfigMapping(prefix = "firebreak.errors")
    public interface Config {
        @WithDefault("public.error_logs")
        String table();

        Optional<String> timeColumn();

        Optional<String> typeColumn();

        Optional<String> messageColumn();

        /** The rate's denominator: requests are these rows plus the errors (the contract has no request log). */
        @WithDefault("public.audit_logs")
        String requestsTable();

        @WithDefault("created_at")
        String requestsTimeColumn();
    }

    @Inject
    TargetDb target;

    @Inject
    Config config;

    /** The error log's columns as the catalog has them. */
    public record Shape(String table, String time, String type, String message, boolean hasService) {
    }

    @RegisterForReflection
    public record TopError(String type, String message, long count, OffsetDateTime firstAt, OffsetDateTime lastAt) {
    }

    /** Errors and requests over a window; rate is null when there was no traffic, or no request log. */
    public record Rate(long errors, long requests, Double rate, String requestsFrom) {
    }

    /** The log's shape, or why it has none (no such table, or no time/message column). */
    public Uni<Shape> shape() {
        String[] t = split(config.table());
        return columns(t[0], t[1]).map(cols -> {
            if (cols.isEmpty()) {
                throw new IllegalStateException("no table " + config.table() + " on the target (firebreak.errors.table)");
            }
            String time = pick(cols, config.timeColumn(), TIME, "time");
            String message = pick(cols, config.messageColumn(), MESSAGE, "message");
            String type = config.typeColumn().or(() -> TYPE.stream().filter(cols::contains).findFirst()).orElse(null);
            if (type != null && !cols.contains(type)) {
                throw new IllegalStateException(config.table() + " has no column " + type);
            }
            return new Shape(Identifiers.qualified(t[0], t[1]), Identifiers.quote(time),
                    type == null ? "'(none)'" : Identifiers.quote(type), Identifiers.quote(message), cols.contains("service"));
        });
    }

    public Uni<List<TopError>> top(Shape shape, int minutes, int limit, String servicePrefix) {
        boolean filter = servicePrefix != null && shape.hasService();
        String sql = TOP.formatted(shape.type(), shape.message(), shape.time(), shape.table(),
                filter ? " AND \"service\" LIKE $3" : "");
        Tuple args = filter ? Tuple.of(minutes, limit, like(servicePrefix)) : Tuple.of(minutes, limit);
        return target.read(tx -> GuardedPool.rows(tx, sql, args, r -> new TopError(r.getString("type"),
                r.getString("message"), r.getLong("count"), r.getOffsetDateTime("first_at"), r.getOffsetDateTime("last_at"))));
    }

    /** Seed 001 "error rate < 1%": errors over (requests + errors) in the window. */
    public Uni<Rate> rate(int minutes) {
        return shape().flatMap(shape -> rate(shape, minutes));
    }

    /** The same, for a log whose shape the caller already read. */
    public Uni<Rate> rate(Shape shape, int minutes) {
        String[] r = split(config.requestsTable());
        return columns(r[0], r[1]).flatMap(cols -> target.read(tx -> count(tx, shape.table(), shape.time(), minutes)
                .flatMap(errors -> cols.contains(config.requestsTimeColumn())
                        ? count(tx, Identifiers.qualified(r[0], r[1]), Identifiers.quote(config.requestsTimeColumn()),
                                minutes).map(requests -> rate(errors, errors + requests, config.requestsTable()))
                        : Uni.createFrom().item(new Rate(errors, 0, null, null)))));
    }

    private static Rate rate(long errors, long requests, String from) {
        return new Rate(errors, requests, requests == 0 ? null : (double) errors / requests, from);
    }

    private Uni<Long> count(io.vertx.mutiny.sqlclient.SqlConnection tx, String table, String time, int minutes) {
        return tx.preparedQuery(COUNT.formatted(table, time)).execute(Tuple.of(minutes))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    private Uni<Set<String>> columns(String schema, String table) {
        return target.read(tx -> GuardedPool.rows(tx, COLUMNS, Tuple.of(schema, table), (Row row) -> row.getString(0)))
                .map(Set::copyOf);
    }

    private String pick(Set<String> cols, Optional<String> configured, List<String> candidates, String what) {
        if (configured.isPresent()) {
            if (!cols.contains(configured.get())) {
                throw new IllegalStateException(config.table() + " has no column " + configured.get());
            }
            return configured.get();
        }
        return candidates.stream().filter(cols::contains).findFirst().orElseThrow(() -> new IllegalStateException(
                config.table() + " has no " + what + " column (one of " + candidates + "; set firebreak.errors." + what
                        + "-column)"));
    }

    static String[] split(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? new String[] { "public", qualified } : new String[] { qualified.substring(0, dot),
                qualified.substring(dot + 1) };
    }

    private static String like(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
