package io.firebreak.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Incidents, their timelines, confirmations and monitor alerts in the ops database. Callers group
 * operations in {@link #transaction}, so an incident never exists without the event that opened it.
 */
@ApplicationScoped
public class IncidentStore {

    static final String LIMITS = "SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d";

    /** Serialises declarations of one cause; held only until the transaction ends, so poolers are fine. */
    static final String LOCK_FINGERPRINT = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    static final String OPEN_BY_FINGERPRINT = """
            SELECT id FROM incidents WHERE fingerprint = $1 AND status <> 'resolved'""";

    static final String NEXT_SEQ = """
            INSERT INTO incident_day_counters (day, last_seq) VALUES ($1, 1)
            ON CONFLICT (day) DO UPDATE SET last_seq = incident_day_counters.last_seq + 1
            RETURNING last_seq""";

    static final String INSERT_INCIDENT = """
            INSERT INTO incidents (id, title, severity, fingerprint, source, opened_at)
            VALUES ($1, $2, $3, $4, $5, $6)""";

    static final String INSERT_EVENT = """
            INSERT INTO timeline_events (incident_id, at, kind, source, summary, detail)
            VALUES ($1, $2, $3, $4, $5, $6)""";

    static final String INSERT_CONFIRMATION = """
            INSERT INTO confirmations (at, trigger, verdict, severity, fingerprint, took_ms, checks, incident_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

    static final String BUMP_STREAK = """
            INSERT INTO probe_streaks (trigger, unhealthy_in_a_row, fingerprint, updated_at)
            VALUES ($1, CASE WHEN $2 THEN 1 ELSE 0 END, $3, $4)
            ON CONFLICT (trigger) DO UPDATE
               SET unhealthy_in_a_row = CASE WHEN $2 THEN probe_streaks.unhealthy_in_a_row + 1 ELSE 0 END,
                   fingerprint = $3, updated_at = $4
            RETURNING unhealthy_in_a_row""";

    static final String INSERT_MONITOR_ALERT = """
            INSERT INTO monitor_alerts (received_at, provider, monitor, monitor_url, state, details, action, incident_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

    /** The open incident a monitor's earlier alerts were attached to. */
    static final String OPEN_FOR_MONITOR = """
            SELECT a.incident_id FROM monitor_alerts a JOIN incidents i ON i.id = a.incident_id
            WHERE a.provider = $1 AND a.monitor = $2 AND i.status <> 'resolved'
            ORDER BY a.received_at DESC, a.id DESC LIMIT 1""";

    static final String FIND_INCIDENT = """
            SELECT id, title, severity, status, fingerprint, source, opened_at, resolved_at
            FROM incidents WHERE id = $1""";

    static final String TIMELINE = """
            SELECT at, kind, source, summary, detail::text AS detail FROM timeline_events
            WHERE incident_id = $1 ORDER BY at, id""";

    @Inject
    @ReactiveDataSource("ops")
    Pool ops;

    @Inject
    OpsJson json;

    @ConfigProperty(name = "firebreak.ops.statement-timeout", defaultValue = "1000ms")
    Duration statementTimeout;

    /** Runs work in one ops transaction with statement and lock timeouts; all of it commits or none. */
    public <T> Uni<T> transaction(Function<Tx, Uni<T>> work) {
        long ms = statementTimeout.toMillis();
        return ops.withTransaction(conn -> conn.query(LIMITS.formatted(ms, ms)).execute()
                .flatMap(ignored -> work.apply(new Tx(conn))));
    }

    /** The operations available inside one ops transaction. */
    public final class Tx {
        private final SqlConnection conn;

        Tx(SqlConnection conn) {
            this.conn = conn;
        }

        /** The transaction's connection, for other ops repositories that must commit with it. */
        public SqlConnection connection() {
            return conn;
        }

        public Uni<Optional<String>> openIncident(String fingerprint) {
            return conn.preparedQuery(OPEN_BY_FINGERPRINT).execute(Tuple.of(fingerprint)).map(IncidentStore::firstId);
        }

        /**
         * Opens an incident for this cause unless one is open already. Concurrent callers with the
         * same fingerprint queue on an advisory lock, so exactly one declares and the others attach.
         */
        public Uni<IncidentLink> declareOrAttach(String fingerprint, String title, Severity severity, String source,
                Instant at) {
            return conn.preparedQuery(LOCK_FINGERPRINT).execute(Tuple.of(fingerprint))
                    .flatMap(locked -> openIncident(fingerprint))
                    .flatMap(open -> {
                        if (open.isPresent()) {
                            return Uni.createFrom().item(new IncidentLink(open.get(), false));
                        }
                        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
                        return conn.preparedQuery(NEXT_SEQ).execute(Tuple.of(day))
                                .map(rows -> IncidentIds.format(day, rows.iterator().next().getInteger("last_seq")))
                                .flatMap(id -> conn.preparedQuery(INSERT_INCIDENT)
                                        .execute(Tuple.tuple(List.of(id, title, severity.name(), fingerprint,
                                                source, utc(at))))
                                        .flatMap(inserted -> addEvent(id, at, "declared", source,
                                                "Declared " + severity.name() + ": " + title,
                                                Map.of("severity", severity.name(), "fingerprint", fingerprint)))
                                        .map(ignored -> new IncidentLink(id, true)));
                    });
        }

        public Uni<Void> addEvent(String incidentId, Instant at, String kind, String source, String summary,
                Object detail) {
            return conn.preparedQuery(INSERT_EVENT)
                    .execute(Tuple.tuple(List.of(incidentId, utc(at), kind, source, summary, json.jsonb(detail))))
                    .replaceWithVoid();
        }

        public Uni<Void> saveConfirmation(Confirmation c, String incidentId) {
            return conn.preparedQuery(INSERT_CONFIRMATION).execute(Tuple.tuple(Arrays.asList(utc(c.at()),
                    c.trigger().id(), c.verdict().json(), c.severity() == null ? null : c.severity().name(),
                    c.fingerprint(), round2(c.tookMs()), json.jsonb(c.checks()), incidentId))).replaceWithVoid();
        }

        /** Counts unhealthy results in a row for a trigger; a healthy one resets the count to zero. */
        public Uni<Integer> streak(Trigger trigger, boolean unhealthy, String fingerprint, Instant at) {
            return conn.preparedQuery(BUMP_STREAK)
                    .execute(Tuple.tuple(Arrays.asList(trigger.id(), unhealthy, fingerprint, utc(at))))
                    .map(rows -> rows.iterator().next().getInteger("unhealthy_in_a_row"));
        }

        public Uni<Optional<String>> openIncidentForMonitor(String provider, String monitor) {
            return conn.preparedQuery(OPEN_FOR_MONITOR).execute(Tuple.of(provider, monitor)).map(IncidentStore::firstId);
        }

        public Uni<Void> saveMonitorAlert(Instant at, String provider, String monitor, String url, String state,
                Object details, String action, String incidentId) {
            return conn.preparedQuery(INSERT_MONITOR_ALERT).execute(Tuple.tuple(Arrays.asList(utc(at),
                    provider, monitor, url, state, json.jsonb(details), action, incidentId))).replaceWithVoid();
        }
    }

    /** An incident with its whole timeline, oldest event first. */
    public Uni<Optional<Incident>> find(String id) {
        return ops.preparedQuery(FIND_INCIDENT).execute(Tuple.of(id)).flatMap(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Uni.createFrom().item(Optional.<Incident>empty());
            }
            Row r = it.next();
            return ops.preparedQuery(TIMELINE).execute(Tuple.of(id)).map(events -> {
                List<Incident.Event> timeline = new ArrayList<>();
                for (Row e : events) {
                    timeline.add(new Incident.Event(e.getOffsetDateTime("at").toInstant(), e.getString("kind"),
                            e.getString("source"), e.getString("summary"), json.tree(e.getString("detail"))));
                }
                OffsetDateTime resolved = r.getOffsetDateTime("resolved_at");
                return Optional.of(new Incident(r.getString("id"), r.getString("title"), r.getString("severity"),
                        r.getString("status"), r.getString("fingerprint"), r.getString("source"),
                        r.getOffsetDateTime("opened_at").toInstant(), resolved == null ? null : resolved.toInstant(),
                        timeline));
            });
        });
    }

    private static Optional<String> firstId(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next().getString(0)) : Optional.empty();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static BigDecimal round2(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
    }

}
