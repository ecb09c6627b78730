package io.firebreak.functions.notifytenant;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.Outbox;

/** The notifications outbox of the ops database (V4__notifications.sql): what is queued, and for whom. */
@ApplicationScoped
public class Notifications {

    static final String ALREADY = """
            SELECT channel, recipient, state FROM notifications
            WHERE incident_id = $1 AND tenant_id = $2 AND phase = $3 ORDER BY id""";

    static final String QUEUE = """
            INSERT INTO notifications (incident_id, tenant_id, phase, channel, recipient, subject, body,
                                       next_attempt_at, audit_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)
            RETURNING id""";

    /** Due messages for one worker: claimed with SKIP LOCKED, their next attempt pushed out as a lease. */
    static final String CLAIM = """
            UPDATE notifications n SET next_attempt_at = $2, attempts = n.attempts + 1
              FROM (SELECT id FROM notifications
                     WHERE state = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $3
                     FOR UPDATE SKIP LOCKED) due
             WHERE n.id = due.id
            RETURNING n.id, n.incident_id, n.tenant_id::text AS tenant_id, n.phase, n.channel, n.recipient, n.subject,
                      n.body, n.attempts""";

    /** One message to queue. */
    public record Message(String channel, String recipient, String subject, String body) {
    }

    /** A message as the outbox holds it. */
    public record Queued(long id, String incidentId, String tenantId, String phase, String channel, String recipient,
            String subject, String body, int attempts) implements Outbox.Claimed {
    }

    /** An earlier message for the same incident, tenant and phase. */
    public record Earlier(String channel, String recipient, String state) {
    }

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    Clock clock;

    @Inject
    Outbox outbox;

    public Uni<List<Earlier>> already(String incidentId, UUID tenant, String phase) {
        return ops.preparedQuery(ALREADY).execute(Tuple.of(incidentId, tenant, phase)).map(rows -> {
            List<Earlier> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Earlier(r.getString("channel"), r.getString("recipient"), r.getString("state")));
            }
            return out;
        });
    }

    /** Queues messages inside the caller's transaction (with its audit record); returns their ids. */
    public Uni<List<Long>> queue(SqlConnection tx, String incidentId, UUID tenant, String phase, List<Message> messages,
            long auditId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Uni<List<Long>> ids = Uni.createFrom().item(new ArrayList<>());
        for (Message m : messages) {
            ids = ids.flatMap(list -> tx.preparedQuery(QUEUE).execute(Tuple.tuple(Arrays.asList(incidentId, tenant, phase,
                    m.channel(), m.recipient(), m.subject(), m.body(), now, auditId)))
                    .map(rows -> {
                        list.add(rows.iterator().next().getLong("id"));
                        return list;
                    }));
        }
        return ids;
    }

    /** Delivery: claim, sent, retry and dead, shared with the team outbox. */
    public Outbox.Table<Queued> delivery() {
        return outbox.table("notifications", CLAIM, Notifications::queued);
    }

    private static Queued queued(Row r) {
        return new Queued(r.getLong("id"), r.getString("incident_id"), r.getString("tenant_id"),
                r.getString("phase"), r.getString("channel"), r.getString("recipient"), r.getString("subject"),
                r.getString("body"), r.getInteger("attempts"));
    }
}
