package io.firebreak.functions.confirmoutage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

import io.firebreak.db.ProbeDb;

/**
 * Seed 000's Step 1 queries against the application (target) database. Every query runs read-only
 * with a statement timeout, sent as one simple-protocol message so it costs one round trip and
 * works behind a transaction-mode pooler; a probe sends all three in one such message.
 */
@ApplicationScoped
public class TargetDiagnostics {

    static final String TENANT_COUNT = """
            SELECT COUNT(*) AS tenants FROM public.tenants""";

    /** The seed's per-action_type count over the window, plus how many tenants each touches. */
    static final String AUDIT_WINDOW = """
            SELECT action_type, COUNT(*) AS events, COUNT(DISTINCT tenant_id) AS tenants
            FROM public.audit_logs
            WHERE created_at > now() - make_interval(mins => %d)
            GROUP BY action_type""";

    /** The previous 24 hours, excluding the window itself: the baseline the window is compared with. */
    static final String AUDIT_BASELINE = """
            SELECT action_type, COUNT(*) AS events
            FROM public.audit_logs
            WHERE created_at > now() - interval '24 hours' - make_interval(mins => %d)
              AND created_at <= now() - make_interval(mins => %d)
            GROUP BY action_type""";

    /**
     * Seeds 001/002: client connections against what the server allows non-superusers. It reads
     * pg_stat_activity's own function (same rows, same visibility rules) without the view's joins to
     * pg_database and pg_authid, which the check never reads: 0.27 ms of the server's time became 0.16 ms.
     */
    static final String CONNECTIONS = """
            SELECT COUNT(*) AS total,
                   COUNT(*) FILTER (WHERE state = 'active') AS active,
                   COUNT(*) FILTER (WHERE state = 'idle in transaction') AS idle_in_transaction,
                   current_setting('max_connections')::int AS max_connections,
                   current_setting('superuser_reserved_connections')::int AS reserved
            FROM pg_stat_get_activity(NULL)
            WHERE backend_type = 'client backend'""";

    /** confirm-outage's checks run on the probe pool, so other functions' work never queues in front of them. */
    @Inject
    ProbeDb probe;

    @ConfigProperty(name = "firebreak.target.statement-timeout", defaultValue = "1500ms")
    Duration statementTimeout;

    public record AuditCount(String actionType, long events, long tenants) {
    }

    public record ConnectionUsage(long total, long active, long idleInTransaction, int maxConnections, int reserved) {
        /** Share of the connections an application role can open that are in use. */
        public double ratio() {
            int usable = Math.max(1, maxConnections - reserved);
            return (double) total / usable;
        }
    }

    /** The two cheap per-probe readings of the target, taken together. */
    public record Readings(long tenants, ConnectionUsage connections) {
    }

    /**
     * Tenants and connections in one round trip (one message, one implicit read-only transaction).
     * The audit window is not in it: its scan runs beside them, so a slow scan never makes the
     * database look unresponsive (the statements of one message run one after another).
     */
    public Uni<Readings> together() {
        return probe.readOnlyAll(statementTimeout, List.of(TENANT_COUNT, CONNECTIONS))
                .map(sets -> new Readings(tenants(sets.get(0)), connections(sets.get(1))));
    }

    public Uni<Long> tenantCount() {
        return read(TENANT_COUNT).map(TargetDiagnostics::tenants);
    }

    public Uni<List<AuditCount>> auditWindow(int windowMinutes) {
        return read(AUDIT_WINDOW.formatted(windowMinutes)).map(TargetDiagnostics::audit);
    }

    private static long tenants(RowSet<Row> rows) {
        return rows.iterator().next().getLong("tenants");
    }

    private static List<AuditCount> audit(RowSet<Row> rows) {
        List<AuditCount> counts = new ArrayList<>(rows.size());
        for (Row row : rows) {
            counts.add(new AuditCount(row.getString("action_type"), row.getLong("events"), row.getLong("tenants")));
        }
        return counts;
    }

    private static ConnectionUsage connections(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return new ConnectionUsage(row.getLong("total"), row.getLong("active"), row.getLong("idle_in_transaction"),
                row.getInteger("max_connections"), row.getInteger("reserved"));
    }

    /** Events per action type over the 24 h before the window. */
    public Uni<Map<String, Long>> auditBaseline(int windowMinutes) {
        return read(AUDIT_BASELINE.formatted(windowMinutes, windowMinutes)).map(rows -> {
            Map<String, Long> totals = new HashMap<>();
            for (Row row : rows) {
                totals.put(row.getString("action_type"), row.getLong("events"));
            }
            return totals;
        });
    }

    public Uni<ConnectionUsage> connectionUsage() {
        return read(CONNECTIONS).map(TargetDiagnostics::connections);
    }

    /** Read-only under the target's statement timeout, one round trip on the probe pool. */
    private Uni<RowSet<Row>> read(String query) {
        return probe.readOnly(statementTimeout, query);
    }
}
