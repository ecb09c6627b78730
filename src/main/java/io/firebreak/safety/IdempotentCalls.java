package io.firebreak.safety;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import io.firebreak.platform.ErrorJson;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;

/**
 * At most once per idempotency key, for planned applies and the lifecycle's changes alike: the
 * first caller runs and its answer (or refusal) is kept; racing and later callers get that answer.
 */
@ApplicationScoped
public class IdempotentCalls {

    private static final Logger LOG = Logger.getLogger(IdempotentCalls.class);

    @Inject
    IdempotencyKeys keys;

    @Inject
    ActionConfig config;

    @Inject
    ObjectMapper mapper;

    /**
     * Runs work at most once per key: the first caller does it and stores the answer (or the
     * refusal); racing and later callers with the same key wait for and return that answer.
     */
    public Uni<JsonNode> once(String function, String key, String requestHash, java.util.function.Supplier<Uni<JsonNode>> work) {
        long deadline = System.nanoTime() + config.idempotencyWait().toNanos();
        return keys.claim(function, key, requestHash, config.idempotencyWait()).flatMap(claim -> {
            if (claim instanceof IdempotencyKeys.Claimed) {
                // An answer marked resumable (some steps failed) is not kept: the same key resumes.
                return Uni.createFrom().<JsonNode>deferred(() -> work.get())
                        .call(answer -> answer.path("resumable").asBoolean(false) ? keys.release(function, key)
                                : keys.complete(function, key, 200, answer))
                        .onFailure().call(e -> settle(function, key, e));
            }
            if (claim instanceof IdempotencyKeys.Done done) {
                return replay(done);
            }
            if (claim instanceof IdempotencyKeys.Mismatch) {
                throw new FunctionError(422, "idempotency_key_reused",
                        "idempotency key " + key + " was used for a different request", "idempotencyKey");
            }
            if (System.nanoTime() > deadline) {
                throw new FunctionError(409, "in_progress", "another call with idempotency key " + key
                        + " is still running", "idempotencyKey");
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(100))
                    .flatMap(v -> once(function, key, requestHash, work));
        });
    }

    /**
     * A failed call never leaves its key running: a refusal, or a failure after something changed,
     * is kept and replayed; anything else gives the key back, so a retry runs at once.
     */
    private Uni<Void> settle(String function, String key, Throwable e) {
        Uni<Void> done = e instanceof FunctionError f && f.replayable() ? keys.complete(function, key, f.status(), error(f))
                : keys.release(function, key);
        return done.onFailure().invoke(failed -> LOG.warnf("idempotency key %s of %s could not be settled (%s); "
                + "it frees itself when its lease ends", LogText.loggable(key), function, failed.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<JsonNode> replay(IdempotencyKeys.Done done) {
        if (done.status() == 200) {
            return Uni.createFrom().item(done.response());
        }
        JsonNode e = done.response().path("error");
        Map<String, Object> details = e.has("details") ? mapper.convertValue(e.get("details"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                }) : Map.of();
        return Uni.createFrom().failure(new FunctionError(done.status(), e.path("code").asText(),
                e.path("message").asText(), e.path("field").isNull() ? null : e.path("field").asText(null), details, true));
    }

    private JsonNode error(FunctionError f) {
        try {
            return mapper.readTree(ErrorJson.of(f));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
