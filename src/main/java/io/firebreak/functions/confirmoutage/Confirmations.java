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
            VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8)""";

    /**
     * The same row in one autocommitted statement whose commit does not wait for the WAL flush
     * (set_config(..., true) lasts this statement's transaction): one round trip instead of four.
     */
    static final String INSERT_EVIDENCE = """
            WITH evidence AS (SELECT set_config('synchronous_commit', 'off', true))
            INSERT INTO confirmations (at, trigger, verdict, severity, fingerprint, took_ms, checks, incident_id)
            SELECT $1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::numeric, $7::text::jsonb, NULL FROM evidence""";

    static final String BUMP_STREAK = """
            INSERT INTO probe_streaks (trigger, unhealthy_in_a_row, fingerprint, updated_at)
            VALUES ($1, CASE WHEN $2 THEN 1 ELSE 0 END, $3, $4)
            ON CONFLICT (trigger) DO UPDATE
               SET unhealthy_in_a_row = CASE WHEN $2 THEN probe_streaks.unhealthy_in_a_row + 1 ELSE 0 END,
                   fingerprint = $3, updated_at = $4
            RETURNING unhealthy_in_a_row""";

    @Inject
    OpsJson json;

    @Inject
    io.firebreak.db.OpsDb ops;

    /** Stores a confirmation in the transaction that links it to its incident, if any. */
    public Uni<Void> save(IncidentStore.Tx tx, Confirmation c, String incidentId) {
        return tx.connection().preparedQuery(INSERT_CONFIRMATION).execute(values(c, true, incidentId)).replaceWithVoid();
    }

    /** Stores a confirmation that links to nothing (no cause, not the schedule's), within the deadline. */
    public Uni<Void> saveEvidence(Confirmation c, java.time.Duration deadline) {
        return ops.withConnection(deadline, conn -> conn.preparedQuery(INSERT_EVIDENCE).execute(values(c, false, null)))
                .replaceWithVoid();
    }

    /**
     * The row's values, $1..$7, and $8 (the incident) when linked is true. The checks go as JSON text
     * the server parses ($7::text::jsonb): written once, not converted to a tree and then to Vert.x's.
     */
    private Tuple values(Confirmation c, boolean linked, String incidentId) {
        java.util.List<Object> values = new java.util.ArrayList<>(Arrays.asList(IncidentStore.utc(c.at()), c.trigger().id(),
                c.verdict().json(), c.severity() == null ? null : c.severity().name(), c.fingerprint(), round2(c.tookMs()),
                json.text(c.checks())));
        if (linked) {
            values.add(incidentId);
        }
        return Tuple.tuple(values);
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
