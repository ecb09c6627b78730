package io.firebreak.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

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

    static final String SENT = """
            UPDATE team_messages SET state = 'sent', provider_id = $2, sent_at = $3, last_error = NULL
            WHERE id = $1 AND state = 'pending'""";

    static final String RETRY = """
            UPDATE team_messages SET last_error = $2, next_attempt_at = $3 WHERE id = $1 AND state = 'pending'""";

    static final String DEAD = """
            UPDATE team_messages SET state = 'dead', last_error = $2 WHERE id = $1 AND state = 'pending'""";

    static final String FOR_INCIDENT = """
            SELECT id, kind, channel, recipient, state, attempts, last_error FROM team_messages
            WHERE incident_id = $1 ORDER BY id""";

    /** One message to queue; dedupeKey makes queuing it twice a no-op. */
    public record Message(String kind, String channel, String recipient, String subject, String body, String dedupeKey) {
    }

    /** A claimed message, with the incident's channel id if it has one now. */
    public record Queued(long id, String incidentId, String kind, String channel, String recipient, String subject,
            String body, int attempts, String incidentChannel) {
    }

    /** A message's state, as get-incident and tests read it. */
    @RegisterForReflection
    public record State(long id, String kind, String channel, String recipient, String state, int attempts, String error) {
    }

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    Clock clock;

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

    public Uni<List<Queued>> claim(int batch, Duration lease) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return ops.preparedQuery(CLAIM).execute(Tuple.of(now, now.plus(lease), batch)).map(rows -> {
            List<Queued> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Queued(r.getLong("id"), r.getString("incident_id"), r.getString("kind"), r.getString("channel"),
                        r.getString("recipient"), r.getString("subject"), r.getString("body"), r.getInteger("attempts"),
                        r.getString("incident_channel")));
            }
            return out;
        });
    }

    public Uni<Void> sent(long id, String providerId) {
        return ops.preparedQuery(SENT).execute(Tuple.of(id, providerId, OffsetDateTime.now(clock))).replaceWithVoid();
    }

    public Uni<Void> retry(long id, String error, Duration after) {
        return ops.preparedQuery(RETRY).execute(Tuple.of(id, error, OffsetDateTime.now(clock).plus(after)))
                .replaceWithVoid();
    }

    public Uni<Void> dead(long id, String error) {
        return ops.preparedQuery(DEAD).execute(Tuple.of(id, error)).replaceWithVoid();
    }

    public Uni<List<State>> forIncident(String incidentId) {
        return ops.preparedQuery(FOR_INCIDENT).execute(Tuple.of(incidentId)).map(rows -> {
            List<State> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new State(r.getLong("id"), r.getString("kind"), r.getString("channel"), r.getString("recipient"),
                        r.getString("state"), r.getInteger("attempts"), r.getString("last_error")));
            }
            return out;
        });
    }
}
