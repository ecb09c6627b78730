package io.firebreak.functions.runcheck;

import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.LogText;
import io.firebreak.safety.CheckGuard;

/**
 * Runs a declared check on the target behind its three walls: the guard, a READ ONLY transaction
 * with a statement timeout, and (when configured) a role that can read but not signal or write. The
 * check's SQL is sent as one prepared statement inside a sub-select, so it can only ever be one query.
 */
@ApplicationScoped
public class CheckRunner {

    /** The check's rows, each with the total count beside it; only the first 20 come back. */
    static final String WRAPPED = """
            SELECT count(*) OVER () AS firebreak_total, firebreak_check.*
            FROM (
            %s
            ) AS firebreak_check
            LIMIT 20""";

    /** How declared checks run: their statement timeout, the role they run as, their schedule. */
    @ConfigMapping(prefix = "firebreak.checks")
    public interface Config {
        @WithDefault("5s")
        Duration statementTimeout();

        /** A role with read rights only (e.g. granted pg_read_all_data); SET LOCAL ROLE for every check. */
        Optional<String> role();

        @WithDefault("20 */5 * * * ?")
        String cron();
    }

    @Inject
    io.firebreak.db.TargetDb target;

    @Inject
    Config config;

    /** What one run measured: the measure, whether it is above the threshold, and a sample of rows; or why it failed. */
    public record Outcome(Double measure, boolean breached, long rows, List<Map<String, Object>> sample, long tookMs,
            String error, boolean targetUnavailable) {

        Outcome(Double measure, boolean breached, long rows, List<Map<String, Object>> sample, long tookMs, String error) {
            this(measure, breached, rows, sample, tookMs, error, false);
        }
    }

    public Uni<Outcome> run(DeclaredCheck check) {
        Optional<String> refused = CheckGuard.refusal(check.sql());
        if (refused.isPresent()) {
            return Uni.createFrom().item(new Outcome(null, false, 0, List.of(), 0, "refused: " + refused.get()));
        }
        return runUnguarded(check);
    }

    /** The check behind the database's walls only: what the guard lets through must still not write or signal. */
    Uni<Outcome> runUnguarded(DeclaredCheck check) {
        String sql = check.sql().strip();
        while (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        String limits = "SET LOCAL statement_timeout = " + config.statementTimeout().toMillis()
                + "; SET TRANSACTION READ ONLY" + config.role().map(r -> "; SET LOCAL ROLE " + Identifiers.quote(r)).orElse("");
        String wrapped = WRAPPED.formatted(sql);
        long start = System.nanoTime();
        return target.withTransaction(tx -> tx.query(limits).execute().flatMap(v -> tx.preparedQuery(wrapped).execute()))
                .map(rows -> {
                    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    List<Map<String, Object>> sample = new ArrayList<>();
                    long total = 0;
                    for (Row row : rows) {
                        total = row.getLong(0);
                        Map<String, Object> values = new LinkedHashMap<>();
                        for (int i = 1; i < row.size(); i++) {
                            values.put(row.getColumnName(i), plain(row.getValue(i)));
                        }
                        sample.add(values);
                    }
                    Double measure = check.measure() == DeclaredCheck.Measure.ROWS ? Double.valueOf(total) : value(sample);
                    if (measure == null) {
                        return new Outcome(null, false, total, sample, took,
                                "measure: value needs a number in the first column of the first row");
                    }
                    return new Outcome(measure, measure > check.threshold(), total, sample, took, null);
                })
                .onFailure().recoverWithItem(e -> new Outcome(null, false, 0, List.of(),
                        Duration.ofNanos(System.nanoTime() - start).toMillis(), LogText.firstLine(e.getMessage()),
                        e instanceof io.firebreak.db.DatabaseUnavailable));
    }

    private static Double value(List<Map<String, Object>> sample) {
        if (sample.isEmpty()) {
            return 0d;
        }
        Object first = sample.get(0).values().stream().findFirst().orElse(null);
        if (first instanceof Number n) {
            return n.doubleValue();
        }
        if (first instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Column values as JSON can carry them without reflection: numbers, booleans, text. */
    private static Object plain(Object value) {
        if (value == null || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Number n) {
            return value instanceof java.math.BigDecimal b ? (Object) b.toPlainString() : n;
        }
        if (value instanceof Temporal) {
            return value.toString();
        }
        return String.valueOf(value);
    }
}
