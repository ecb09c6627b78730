package io.firebreak.functions.monitoralert;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsJson;
import io.firebreak.incident.IncidentStore;

/** The monitor alerts monitor-alert stores, in the incident's transaction, and how it finds them again. */
@ApplicationScoped
public class MonitorAlerts {

    /** A retried alert (same dedupe key) is not stored twice: nothing comes back for it. */
    static final String INSERT_MONITOR_ALERT = """
            INSERT INTO monitor_alerts (received_at, provider, monitor, monitor_url, state, details, action, incident_id,
                                        dedupe_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            RETURNING id""";

    static final String MONITOR_ALERT_BY_KEY = """
            SELECT action, incident_id FROM monitor_alerts WHERE dedupe_key = $1""";

    /** The open incident a monitor's earlier alerts were attached to. */
    static final String OPEN_FOR_MONITOR = """
            SELECT a.incident_id FROM monitor_alerts a JOIN incidents i ON i.id = a.incident_id
            WHERE a.provider = $1 AND a.monitor = $2 AND i.status <> 'resolved'
            ORDER BY a.received_at DESC, a.id DESC LIMIT 1""";

    /** What was done with an alert stored before, and its incident. */
    public record Stored(String action, String incidentId) {
    }

    @Inject
    OpsJson json;

    public Uni<Optional<String>> openIncidentFor(IncidentStore.Tx tx, String provider, String monitor) {
        return tx.connection().preparedQuery(OPEN_FOR_MONITOR).execute(Tuple.of(provider, monitor)).map(IncidentStore::firstId);
    }

    /** Stores an alert; false when the same alert (its dedupe key) was stored before. */
    public Uni<Boolean> save(IncidentStore.Tx tx, Instant at, String provider, String monitor, String url, String state,
            Object details, String action, String incidentId, String dedupeKey) {
        return tx.connection().preparedQuery(INSERT_MONITOR_ALERT).execute(Tuple.tuple(Arrays.asList(IncidentStore.utc(at),
                provider, monitor, url, state, json.jsonb(details), action, incidentId, dedupeKey)))
                .map(rows -> rows.size() > 0);
    }

    /** The stored alert with this dedupe key. */
    public Uni<Optional<Stored>> stored(IncidentStore.Tx tx, String dedupeKey) {
        return tx.connection().preparedQuery(MONITOR_ALERT_BY_KEY).execute(Tuple.of(dedupeKey)).map(rows -> rows.size() == 0
                ? Optional.<Stored>empty()
                : Optional.of(new Stored(rows.iterator().next().getString("action"), rows.iterator().next().getString("incident_id"))));
    }
}
