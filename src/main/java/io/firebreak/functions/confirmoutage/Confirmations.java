package io.firebreak.functions.confirmoutage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsJson;
import io.firebreak.incident.IncidentStore;

/** confirm-outage's evidence in the ops database: each confirmation, and the schedule's unhealthy streak. */
@ApplicationScoped
public class Confirmations {

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

    @Inject
    OpsJson json;

    /** Stores a confirmation in the transaction that links it to its incident, if any. */
    public Uni<Void> save(IncidentStore.Tx tx, Confirmation c, String incidentId) {
        return tx.connection().preparedQuery(INSERT_CONFIRMATION).execute(Tuple.tuple(Arrays.asList(
                IncidentStore.utc(c.at()), c.trigger().id(), c.verdict().json(), c.severity() == null ? null : c.severity().name(),
                c.fingerprint(), round2(c.tookMs()), json.jsonb(c.checks()), incidentId))).replaceWithVoid();
    }

    /** Counts unhealthy results in a row for a trigger; a healthy one resets the count to zero. */
    public Uni<Integer> streak(IncidentStore.Tx tx, Trigger trigger, boolean unhealthy, String fingerprint, Instant at) {
        return tx.connection().preparedQuery(BUMP_STREAK)
                .execute(Tuple.tuple(Arrays.asList(trigger.id(), unhealthy, fingerprint, IncidentStore.utc(at))))
                .map(rows -> rows.iterator().next().getInteger("unhealthy_in_a_row"));
    }

    private static BigDecimal round2(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
    }
}
