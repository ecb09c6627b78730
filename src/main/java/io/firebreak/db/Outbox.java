package io.firebreak.db;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The delivery side of the ops database's outboxes (notifications, team_messages), written once:
 * due messages claimed with SKIP LOCKED under a lease, sent a few at a time, then marked sent,
 * retried with doubling backoff (or the provider's longer wait), or dead after the last attempt or
 * a permanent refusal. Each outbox keeps its own queueing SQL and says what to do after each outcome.
 */
@ApplicationScoped
public class Outbox {

    static final String SENT = """
            UPDATE %s SET state = 'sent', provider_id = $2, sent_at = $3, last_error = NULL
            WHERE id = $1 AND state = 'pending'""";

    static final String RETRY = """
            UPDATE %s SET last_error = $2, next_attempt_at = $3 WHERE id = $1 AND state = 'pending'""";

    static final String DEAD = """
            UPDATE %s SET state = 'dead', last_error = $2 WHERE id = $1 AND state = 'pending'""";

    /** Claimed messages per run, and how many are in flight at once. */
    static final int BATCH = 50;
    static final int IN_FLIGHT = 4;

    @Inject
    OpsDb ops;

    @Inject
    Clock clock;

    @Inject
    OutboxConfig config;

    /** What every outbox row carries for delivery. */
    public interface Claimed {
        long id();

        int attempts();
    }

    /** What a send answered: sent with the provider's id, or why not and whether it is worth retrying. */
    public record Sent(boolean sent, boolean permanent, String providerId, String error, Duration retryAfter) {
    }

    public enum State {
        SENT, RETRYING, DEAD;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One message's attempt, recorded: the caller adds its timeline event and its answer's shape. */
    public record Outcome<Q>(Q message, State state, Sent send) {
    }

    /**
     * One outbox table.
     *
     * @param claim the table's claim statement: $1 now, $2 the lease's end, $3 the batch; it bumps attempts
     */
    public <Q extends Claimed> Table<Q> table(String table, String claim, Function<Row, Q> map) {
        return new Table<>(table, claim, map);
    }

    /** How long to wait before the next attempt after this many: doubling from backoff, at most an hour. */
    public Duration retryAfter(int attempts) {
        Duration wait = config.backoff().multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 7));
        return wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait;
    }

    public final class Table<Q extends Claimed> {
        private final String claim;
        private final Function<Row, Q> map;
        private final String sent;
        private final String retry;
        private final String dead;

        private Table(String table, String claim, Function<Row, Q> map) {
            this.claim = claim;
            this.map = map;
            this.sent = SENT.formatted(table);
            this.retry = RETRY.formatted(table);
            this.dead = DEAD.formatted(table);
        }

        public Uni<List<Q>> claim(int batch) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            return ops.preparedQuery(claim).execute(Tuple.of(now, now.plus(config.lease()), batch)).map(rows -> {
                List<Q> out = new ArrayList<>(rows.size());
                for (Row r : rows) {
                    out.add(map.apply(r));
                }
                return out;
            });
        }

        /** Claims what is due, sends it, records each outcome, then lets the caller tell it. */
        public <A> Uni<List<A>> deliver(Function<Q, Uni<Sent>> send, Function<Outcome<Q>, Uni<A>> after) {
            return deliver(BATCH, send, after);
        }

        /** The same with a smaller batch, for sends that may each take their whole deadline (a hanging receiver). */
        public <A> Uni<List<A>> deliver(int batch, Function<Q, Uni<Sent>> send, Function<Outcome<Q>, Uni<A>> after) {
            return claim(batch).flatMap(due -> Multi.createFrom().iterable(due)
                    .onItem().transformToUni(m -> send.apply(m).flatMap(s -> record(m, s)).flatMap(after::apply))
                    .merge(IN_FLIGHT).collect().asList());
        }

        private Uni<Outcome<Q>> record(Q m, Sent s) {
            if (s.sent()) {
                return ops.preparedQuery(sent).execute(Tuple.of(m.id(), s.providerId(), OffsetDateTime.now(clock)))
                        .replaceWith(new Outcome<>(m, State.SENT, s));
            }
            if (s.permanent() || m.attempts() >= config.maxAttempts()) {
                return ops.preparedQuery(dead).execute(Tuple.of(m.id(), s.error()))
                        .replaceWith(new Outcome<>(m, State.DEAD, s));
            }
            Duration wait = retryAfter(m.attempts());
            if (s.retryAfter() != null && s.retryAfter().compareTo(wait) > 0) {
                wait = s.retryAfter();
            }
            return ops.preparedQuery(retry).execute(Tuple.of(m.id(), s.error(), OffsetDateTime.now(clock).plus(wait)))
                    .replaceWith(new Outcome<>(m, State.RETRYING, s));
        }
    }
}
