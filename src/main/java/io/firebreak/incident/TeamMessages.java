package io.firebreak.incident;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.Outbox;

/**
 * The outbox of messages to the team (V6__lifecycle.sql): Slack posts and emails queued with the
 * event they announce. The recipient {@value #INCIDENT_CHANNEL} means "the incident's channel, or
 * the fallback room", decided when it is sent, so a channel created after queuing still gets it.
 */
@ApplicationScoped
public class TeamMessages {

    public static final String INCIDENT_CHANNEL = "@incident";

    static final String QUEUE = """
            INSERT INTO team_messages (incident_id, kind, channel, recipient, subject, body, dedupe_key,
                                       next_attempt_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id""";

    static final String CLAIM = """
            UPDATE team_messages m SET next_attempt_at = $2, attempts = m.attempts + 1
              FROM (SELECT id FROM team_messages
                     WHERE state = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $3
                     FOR UPDATE SKIP LOCKED) due
             WHERE m.id = due.id
            RETURNING m.id, m.incident_id, m.kind, m.channel, m.recipient, m.subject, m.body, m.attempts,
                      (SELECT i.channel_id FROM incidents i WHERE i.id = m.incident_id) AS incident_channel""";

    /** An earlier message of the same incident on the same channel that is still to be sent. */
    static final String EARLIER_PENDING = """
            SELECT EXISTS (SELECT 1 FROM team_messages
                            WHERE incident_id = $1 AND channel = $2 AND state = 'pending' AND id < $3) AS waiting""";

    /** One message to queue; dedupeKey makes queuing it twice a no-op. */
    public record Message(String kind, String channel, String recipient, String subject, String body, String dedupeKey) {
    }

    /** A claimed message, with the incident's channel id if it has one now. */
    public record Queued(long id, String incidentId, String kind, String channel, String recipient, String subject,
            String body, int attempts, String incidentChannel) implements Outbox.Claimed {
    }

    @Inject
    Clock clock;

    @Inject
    Outbox outbox;

    @Inject
    io.firebreak.db.OpsDb ops;

    /** Whether an earlier message of this incident on this channel is still pending (PagerDuty's events go in order). */
    public Uni<Boolean> earlierPending(Queued m) {
        return ops.preparedQuery(EARLIER_PENDING).execute(Tuple.of(m.incidentId(), m.channel(), m.id()))
                .map(rows -> rows.iterator().next().getBoolean("waiting"));
    }

    /** Queues inside the caller's transaction; answers the ids of messages not queued before. */
    public Uni<List<Long>> queue(SqlConnection tx, String incidentId, List<Message> messages) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Uni<List<Long>> ids = Uni.createFrom().item(new ArrayList<>());
        for (Message m : messages) {
            ids = ids.flatMap(list -> tx.preparedQuery(QUEUE).execute(Tuple.tuple(Arrays.asList(incidentId, m.kind(),
                    m.channel(), m.recipient(), m.subject(), m.body(), m.dedupeKey(), now))).map(rows -> {
                        rows.forEach(r -> list.add(r.getLong("id")));
                        return list;
                    }));
        }
        return ids;
    }

    /** Delivery: claim, sent, retry and dead, shared with the notifications outbox. */
    public Outbox.Table<Queued> delivery() {
        return outbox.table("team_messages", CLAIM, TeamMessages::queued);
    }

    private static Queued queued(io.vertx.mutiny.sqlclient.Row r) {
        return new Queued(r.getLong("id"), r.getString("incident_id"), r.getString("kind"), r.getString("channel"),
                r.getString("recipient"), r.getString("subject"), r.getString("body"), r.getInteger("attempts"),
                r.getString("incident_channel"));
    }
}
