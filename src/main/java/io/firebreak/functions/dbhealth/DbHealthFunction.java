package io.firebreak.functions.dbhealth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Reads the target database's health, connections, long-running queries, lock waits, slow statements, bloat, sizes and pooler use, read-only. */
@Singleton
public class DbHealthFunction {

    @Inject
    DatabaseHealth health;

    @Inject
    DbHealthConfig config;

    @ConfigProperty(name = "target.database.url")
    Optional<String> targetUrl;

    @Funq("db-health")
    public Uni<Map<String, Object>> dbHealth(DbHealthInput input) {
        DbHealthInput in = input == null ? new DbHealthInput() : input;
        int seconds = bounded(in.getLongRunningSeconds(), 5, 0, 86_400, "longRunningSeconds");
        long deadTuples = in.getDeadTuples() == null ? 1000 : in.getDeadTuples();
        if (deadTuples < 0) {
            throw FunctionError.badInput("invalid_value", "deadTuples", "deadTuples is 0 or more");
        }
        int tables = bounded(in.getTables(), 20, 1, 100, "tables");
        return health.snapshot(seconds, deadTuples, tables)
                .flatMap(snapshot -> health.slowest().map(slowest -> answer(snapshot, slowest, seconds, deadTuples)));
    }

    Map<String, Object> answer(DatabaseHealth.Snapshot s, DatabaseHealth.Statements slowest, int seconds, long deadTuples) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> answer = new LinkedHashMap<>();
        DatabaseHealth.Limits limits = s.limits();
        long total = s.byState().stream().mapToLong(DatabaseHealth.StateCount::sessions).sum();
        int usable = Math.max(1, limits.maxConnections() - limits.reserved());
        double ratio = (double) total / usable;
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("total", total);
        connections.put("maxConnections", limits.maxConnections());
        connections.put("usable", usable);
        connections.put("percentUsed", Math.round(ratio * 1000) / 10.0);
        Map<String, Long> byState = new LinkedHashMap<>();
        s.byState().forEach(c -> byState.put(c.state(), c.sessions()));
        connections.put("byState", byState);
        connections.put("byClient", s.byClient());
        if (ratio >= config.warnRatio()) {
            warnings.add("connections at " + connections.get("percentUsed") + " % of the " + usable + " usable");
        }
        long idleInTx = byState.getOrDefault("idle in transaction", 0L) + byState.getOrDefault("idle in transaction (aborted)", 0L);
        if (idleInTx > 0) {
            warnings.add(idleInTx + " sessions idle in transaction (they hold locks and snapshots)");
        }
        answer.put("connections", connections);
        answer.put("longRunning", Map.of("thresholdSeconds", seconds, "queries", s.longRunning()));
        if (!s.longRunning().isEmpty()) {
            warnings.add(s.longRunning().size() + " queries running longer than " + seconds + " s");
        }
        answer.put("lockWaits", s.lockWaits());
        if (!s.lockWaits().isEmpty()) {
            warnings.add(s.lockWaits().size() + " lock waits; root blockers: " + s.lockWaits().stream()
                    .filter(DatabaseHealth.LockWait::rootBlocker).map(DatabaseHealth.LockWait::blockingPid).distinct().toList());
        }
        Map<String, Object> statements = new LinkedHashMap<>();
        statements.put("statements", slowest.slowest());
        statements.put("skipped", slowest.skipped());
        answer.put("slowStatements", statements);
        answer.put("bloat", Map.of("minDeadTuples", deadTuples, "tables", s.bloat()));
        if (!s.bloat().isEmpty()) {
            warnings.add(s.bloat().size() + " tables with more than " + deadTuples + " dead tuples (vacuum-analyze)");
        }
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("database", limits.database());
        sizes.put("databaseBytes", limits.databaseBytes());
        sizes.put("tables", s.sizes());
        answer.put("sizes", sizes);
        answer.put("connectionPath", ConnectionPath.describe(config.appDatabaseUrl(), targetUrl, s.byClient(),
                config.poolerClients(), warnings));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", warnings.isEmpty() ? "ok" : "warn");
        result.put("warnings", warnings);
        result.putAll(answer);
        return result;
    }

    static int bounded(Integer value, int fallback, int min, int max, String field) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw FunctionError.badInput("invalid_value", field, field + " is " + min + " to " + max);
        }
        return v;
    }
}
