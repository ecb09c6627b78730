package io.firebreak.safety;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsJson;

/**
 * Idempotency keys in the ops database: the first caller claims a key with a lease and stores its
 * result; a repeated or racing caller gets that result instead of a second side effect.
 */
@ApplicationScoped
public class IdempotencyKeys {

    static final String CLAIM = """
            INSERT INTO idempotency_keys (function, key, request_hash, state, lease_until, created_at)
            VALUES ($1, $2, $3, 'running', $4, $5)
            ON CONFLICT (function, key) DO NOTHING
            RETURNING key""";

    static final String READ = """
            SELECT request_hash, state, lease_until, status, response::text AS response
            FROM idempotency_keys WHERE function = $1 AND key = $2""";

    /** A crashed holder's lease ran out: the next caller may take the key over. */
    static final String TAKE_OVER = """
            UPDATE idempotency_keys SET lease_until = $3
            WHERE function = $1 AND key = $2 AND state = 'running' AND lease_until < $4
            RETURNING key""";

    static final String COMPLETE = """
            UPDATE idempotency_keys SET state = 'done', status = $3, response = $4
            WHERE function = $1 AND key = $2""";

    /** The state of a key after a claim. */
    public sealed interface Claim permits Claimed, Done, Busy, Mismatch {
    }

    /** This caller holds the key and must do the work. */
    public record Claimed() implements Claim {
    }

    /** The work was done: its status and response. */
    public record Done(int status, JsonNode response) implements Claim {
    }

    /** Another caller holds the key and is still working. */
    public record Busy() implements Claim {
    }

    /** The key was used for a different request. */
    public record Mismatch() implements Claim {
    }

    @Inject
    io.firebreak.db.OpsDb ops;

    @Inject
    OpsJson json;

    @Inject
    Clock clock;

    public Uni<Claim> claim(String function, String key, String requestHash, Duration lease) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return ops.preparedQuery(CLAIM).execute(Tuple.tuple(Arrays.asList(function, key, requestHash, now.plus(lease), now)))
                .flatMap(inserted -> inserted.size() > 0 ? Uni.createFrom().item((Claim) new Claimed())
                        : read(function, key, requestHash, lease, now));
    }

    private Uni<Claim> read(String function, String key, String requestHash, Duration lease, OffsetDateTime now) {
        return ops.preparedQuery(READ).execute(Tuple.of(function, key)).flatMap(rows -> {
            Row r = rows.iterator().next();
            if (!r.getString("request_hash").equals(requestHash)) {
                return Uni.createFrom().item((Claim) new Mismatch());
            }
            if (r.getString("state").equals("done")) {
                return Uni.createFrom().item((Claim) new Done(r.getInteger("status"), json.tree(r.getString("response"))));
            }
            if (r.getOffsetDateTime("lease_until").isAfter(now)) {
                return Uni.createFrom().item((Claim) new Busy());
            }
            return ops.preparedQuery(TAKE_OVER).execute(Tuple.of(function, key, now.plus(lease), now))
                    .map(taken -> taken.size() > 0 ? (Claim) new Claimed() : new Busy());
        });
    }

    /** Gives a key up without an answer, so the next call with it does the work again (a resumable partial apply). */
    public Uni<Void> release(String function, String key) {
        return ops.preparedQuery("DELETE FROM idempotency_keys WHERE function = $1 AND key = $2 AND state = 'running'")
                .execute(Tuple.of(function, key)).replaceWithVoid();
    }

    public Uni<Void> complete(String function, String key, int status, JsonNode response) {
        return ops.preparedQuery(COMPLETE)
                .execute(Tuple.tuple(Arrays.asList(function, key, status, json.jsonb(response))))
                .replaceWithVoid();
    }

}
