package io.firebreak.functions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.firebreak.domain.IdempotencyKeys;
import io.firebreak.domain.Plans;
import io.firebreak.domain.AuditTrail;
import io.firebreak.domain.IncidentStore;
import io.smallrye.mutiny.Uni;

/**
 * The safety model's plan-then-apply protocol, shared by every function that changes something:
 * a dry run stores a plan pinned by a digest of exactly what would change; an apply names that
 * plan and a reason, runs once per idempotency key (racing repeats get the first result), and is
 * refused with 409, changing nothing, when what it would change now differs from the plan.
 */
@ApplicationScoped
public class PlannedActions {

    @Inject
    Plans plans;

    @Inject
    IdempotencyKeys keys;

    @Inject
    ActionConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @Inject
    IncidentStore incidents;

    @Inject
    AuditTrail audit;

    /** What a dry run found: the scope it covers, the digest of the change set, and the change set itself. */
    public record Proposal(String scope, String digest, int rows, JsonNode changes) {
    }

    /** Refuses a change set above the row bound, before anything is stored or changed. */
    public void bounded(int rows) {
        if (rows > config.maxRows()) {
            throw new FunctionError(409, "over_bound", "this would change " + rows + " rows; the bound is "
                    + config.maxRows() + " per call (firebreak.actions.max-rows): narrow the scope", null);
        }
    }

    /** Stores the plan of a dry run and answers with it. */
    public Uni<JsonNode> plan(String function, Actor actor, Proposal proposal) {
        bounded(proposal.rows());
        return plans.save(function, proposal.scope(), proposal.digest(), proposal.changes(), actor, config.planTtl())
                .map(plan -> {
                    var answer = mapper.createObjectNode();
                    answer.put("dryRun", true);
                    answer.put("planId", plan.id().toString());
                    answer.put("expiresAt", plan.expiresAt().toString());
                    answer.put("rows", proposal.rows());
                    answer.put("maxRows", config.maxRows());
                    answer.set("changes", proposal.changes());
                    return (JsonNode) answer;
                });
    }

    /**
     * Applies a plan: checks the input, the plan and its freshness (current = the dry run done
     * again now), then runs {@code apply} once per idempotency key.
     */
    public Uni<JsonNode> apply(String function, String scope, ActionInput input, Uni<Proposal> current,
            Function<Plans.Plan, Uni<JsonNode>> apply) {
        return apply(function, scope, input, plan -> current, apply);
    }

    /**
     * As above, where "the dry run done again now" depends on the plan: for changes whose targets
     * come and go (sessions), what is checked is that the planned targets are all still there as planned.
     */
    public Uni<JsonNode> apply(String function, String scope, ActionInput input, Function<Plans.Plan, Uni<Proposal>> current,
            Function<Plans.Plan, Uni<JsonNode>> apply) {
        UUID planId = requireApply(input);
        String key = input.getIdempotencyKey() == null || input.getIdempotencyKey().isBlank() ? "plan:" + planId
                : input.getIdempotencyKey();
        String requestHash = sha256(function + "\u001f" + planId + "\u001f" + input.getReason());
        String incidentId = input.recordsOwnTimeline() ? null : input.getIncidentId();
        if (incidentId != null && !IncidentActions.ID.matcher(incidentId).matches()) {
            throw FunctionError.badInput("invalid_value", "incidentId", "incidentId must look like INC-YYYY-MM-DD-NNN");
        }
        Uni<Void> incidentKnown = incidentId == null ? Uni.createFrom().voidItem()
                : incidents.find(incidentId).map(i -> {
                    if (i.isEmpty()) {
                        throw new FunctionError(404, "incident_not_found", "no incident " + incidentId, "incidentId");
                    }
                    return null;
                });
        return incidentKnown.flatMap(known -> plans.find(planId)).flatMap(found -> {
            Plans.Plan plan = found.orElseThrow(() -> new FunctionError(404, "unknown_plan",
                    "no plan " + planId + ": run the dry run (without apply) first", "planId"));
            if (!plan.function().equals(function) || !plan.scope().equals(scope)) {
                throw new FunctionError(409, "plan_mismatch",
                        "plan " + planId + " is for " + plan.function() + " " + plan.scope() + ", not this call", "planId");
            }
            return once(function, key, requestHash, () -> {
                if (plan.expiresAt().isBefore(clock.instant())) {
                    return Uni.createFrom().failure(new FunctionError(409, "expired_plan",
                            "plan " + planId + " expired at " + plan.expiresAt() + ": run the dry run again", "planId"));
                }
                return current.apply(plan).flatMap(now -> {
                    if (!now.digest().equals(plan.digest())) {
                        throw new FunctionError(409, "stale_plan", "what this would change differs from plan " + planId
                                + " (" + now.rows() + " rows now): nothing was changed; run the dry run again", "planId");
                    }
                    return apply.apply(plan).call(answer -> link(function, input, incidentId, answer));
                });
            });
        });
    }

    /**
     * Puts an applied action on its incident's timeline with its audit id and rows affected, as the
     * post-mortem's "actions taken" reads them. After the change committed: the audit record is the
     * authority, the timeline entry a pointer to it.
     */
    private Uni<Void> link(String function, ActionInput input, String incidentId, JsonNode answer) {
        if (incidentId == null || !answer.hasNonNull("auditId")) {
            return Uni.createFrom().voidItem();
        }
        long auditId = answer.get("auditId").asLong();
        return audit.find(auditId).flatMap(record -> incidents.transaction(tx -> tx.addEvent(incidentId, clock.instant(),
                "action", IncidentActions.source(input.getActor()),
                function + " applied: " + record.map(AuditTrail.Record::rowsAffected).orElse(0) + " rows (" + input.getReason()
                        + ")",
                java.util.Map.of("function", function, "auditId", auditId, "rows",
                        record.map(AuditTrail.Record::rowsAffected).orElse(0), "planId", input.getPlanId()))));
    }

    /** What a change did: its result for the answer, the rows it affected, its outcome ("applied", "partial: ..."). */
    public record Done<T>(T result, int rows, String outcome) {
    }

    /** A change as recorded: the id of its "apply" audit record, its result and the rows it affected. */
    public record Audited<T>(long auditId, T result, int rows) {
    }

    /**
     * Runs a plan's change between an "apply-started" audit record and the "apply" record with its
     * rows and outcome. A change that stops part-way is recorded as failed and, unless it is already a
     * refusal, answered 503 apply_failed: the batches before it committed, the dry run shows what is left.
     */
    public <T> Uni<Audited<T>> audited(String function, ActionInput input, Object in, JsonNode plan,
            java.util.function.Supplier<Uni<Done<T>>> change) {
        return audit.record(new AuditTrail.Entry(input.getActor(), function, "apply-started", input.getReason(), in, plan, 0,
                java.util.List.of(), "started", null))
                .flatMap(started -> change.get())
                .onFailure().call(e -> audit.record(new AuditTrail.Entry(input.getActor(), function, "apply",
                        input.getReason(), in, plan, 0, java.util.List.of(),
                        "failed: " + io.firebreak.domain.Identifiers.firstLine(e.getMessage()), null)))
                .onFailure(e -> !(e instanceof FunctionError)).transform(e -> new FunctionError(503, "apply_failed",
                        "the apply stopped part-way (" + io.firebreak.domain.Identifiers.firstLine(e.getMessage())
                                + "); batches before it committed; run the dry run again to see what is left", null))
                .flatMap(done -> audit.record(new AuditTrail.Entry(input.getActor(), function, "apply", input.getReason(), in,
                        plan, done.rows(), java.util.List.of(), done.outcome(), null))
                        .map(auditId -> new Audited<>(auditId, done.result(), done.rows())));
    }

    /** Validates the apply fields of an action input; returns the plan id. */
    public static UUID requireApply(ActionInput input) {
        if (input.getPlanId() == null || input.getPlanId().isBlank()) {
            throw FunctionError.badInput("missing_field", "planId", "apply needs the planId of a dry run");
        }
        UUID planId;
        try {
            planId = UUID.fromString(input.getPlanId());
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "planId", "planId is not a plan id");
        }
        if (input.getReason() == null || input.getReason().isBlank()) {
            throw FunctionError.badInput("missing_field", "reason", "apply needs a reason, kept in the audit record");
        }
        if (input.getReason().length() > 1000) {
            throw FunctionError.badInput("invalid_value", "reason", "reason is at most 1000 characters");
        }
        return planId;
    }

    /**
     * Runs work at most once per key: the first caller does it and stores the answer (or the
     * refusal); racing and later callers with the same key wait for and return that answer.
     */
    Uni<JsonNode> once(String function, String key, String requestHash, java.util.function.Supplier<Uni<JsonNode>> work) {
        long deadline = System.nanoTime() + config.idempotencyWait().toNanos();
        return keys.claim(function, key, requestHash, config.idempotencyWait()).flatMap(claim -> {
            if (claim instanceof IdempotencyKeys.Claimed) {
                // An answer marked resumable (some steps failed) is not kept: the same key resumes.
                return work.get()
                        .call(answer -> answer.path("resumable").asBoolean(false) ? keys.release(function, key)
                                : keys.complete(function, key, 200, answer))
                        .onFailure(FunctionError.class).call(e -> {
                            FunctionError f = (FunctionError) e;
                            return keys.complete(function, key, f.status(), error(f));
                        });
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

    private Uni<JsonNode> replay(IdempotencyKeys.Done done) {
        if (done.status() == 200) {
            return Uni.createFrom().item(done.response());
        }
        JsonNode e = done.response().path("error");
        return Uni.createFrom().failure(new FunctionError(done.status(), e.path("code").asText(),
                e.path("message").asText(), e.path("field").isNull() ? null : e.path("field").asText(null)));
    }

    private JsonNode error(FunctionError f) {
        try {
            return mapper.readTree(ErrorJson.of(f));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
