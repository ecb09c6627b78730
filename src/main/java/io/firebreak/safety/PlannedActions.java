package io.firebreak.safety;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.InputText;
import io.firebreak.platform.LogText;

/**
 * The safety model's plan-then-apply protocol, shared by every function that changes something:
 * a dry run stores a plan pinned by a digest of exactly what would change; an apply names that
 * plan and a reason, runs once per idempotency key (racing repeats get the first result), and is
 * refused with 409, changing nothing, when what it would change now differs from the plan.
 */
@ApplicationScoped
public class PlannedActions {

    private static final Logger LOG = Logger.getLogger(PlannedActions.class);

    @Inject
    Plans plans;

    @Inject
    IdempotentCalls calls;

    @Inject
    Approvals approvals;

    @Inject
    ActionConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @Inject
    ActionTimeline timeline;

    @Inject
    AuditTrail audit;

    @Inject
    ActionMeters meters;

    @Inject
    ChangeSets sets;

    /**
     * What a dry run found: the scope it covers, the digest of the change set, and the change set
     * itself. A change set too large to answer keeps its keys in {@link ChangeSets} under
     * {@code planId} (the plan is stored under that id) and answers {@code shown}: counts, a sample
     * and the first page, where the stored {@code changes} keep only the sets' descriptors.
     */
    public record Proposal(String scope, String digest, int rows, JsonNode changes, UUID planId, JsonNode shown) {
        public Proposal(String scope, String digest, int rows, JsonNode changes) {
            this(scope, digest, rows, changes, null, null);
        }
    }

    /** A dry run's answer: the stored plan to apply, and exactly what it would change. */
    @RegisterForReflection
    public record DryRun(boolean dryRun, String planId, String expiresAt, int rows, int maxRows, String digest,
            Approvals.View approval, JsonNode changes) {
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
        UUID id = proposal.planId() == null ? UUID.randomUUID() : proposal.planId();
        JsonNode shown = proposal.shown() == null ? sets.answered(proposal.changes()) : proposal.shown();
        return plans.save(id, function, proposal.scope(), proposal.digest(), proposal.changes(), proposal.rows(), actor,
                config.planTtl())
                .invoke(plan -> meters.planned(function))
                .map(plan -> (JsonNode) mapper.valueToTree(new DryRun(true, plan.id().toString(),
                        plan.expiresAt().toString(), proposal.rows(), config.maxRows(), plan.digest(),
                        approvals.view(function, proposal.scope(), proposal.rows()), shown)));
    }

    /**
     * The next page of a stored plan's change set ({@code planId} + {@code cursor}, no apply):
     * read-only, for any caller allowed to plan this function, as an apply of it would be.
     */
    public Uni<JsonNode> page(String function, ActionInput input) {
        UUID planId = planId(input, "a cursor pages a stored plan: give its planId too");
        ChangeSets.decode(input.getCursor());
        return plans.find(planId).flatMap(found -> {
            Plans.Plan plan = found.orElseThrow(() -> new FunctionError(404, "unknown_plan",
                    "no plan " + planId + ": run the dry run (without apply) first", "planId"));
            if (!plan.function().equals(function)) {
                throw new FunctionError(409, "plan_mismatch",
                        "plan " + planId + " is for " + plan.function() + " " + plan.scope() + ", not this call", "planId");
            }
            if (plan.expiresAt().isBefore(clock.instant())) {
                throw new FunctionError(409, "expired_plan",
                        "plan " + planId + " expired at " + plan.expiresAt() + ": run the dry run again", "planId");
            }
            return sets.page(plan, input.getCursor());
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
        // A refusal before the change begins is counted here; once it began, audited() counts its outcome.
        java.util.concurrent.atomic.AtomicBoolean began = new java.util.concurrent.atomic.AtomicBoolean();
        Uni<Void> incidentKnown = incidentId == null ? Uni.createFrom().voidItem() : timeline.requireKnown(incidentId);
        return incidentKnown.flatMap(known -> plans.find(planId)).flatMap(found -> {
            Plans.Plan plan = found.orElseThrow(() -> new FunctionError(404, "unknown_plan",
                    "no plan " + planId + ": run the dry run (without apply) first", "planId"));
            if (!plan.function().equals(function) || !plan.scope().equals(scope)) {
                throw new FunctionError(409, "plan_mismatch",
                        "plan " + planId + " is for " + plan.function() + " " + plan.scope() + ", not this call", "planId");
            }
            return calls.once(function, key, requestHash, () -> {
                if (plan.expiresAt().isBefore(clock.instant())) {
                    return Uni.createFrom().failure(new FunctionError(409, "expired_plan",
                            "plan " + planId + " expired at " + plan.expiresAt() + ": run the dry run again", "planId"));
                }
                // An undo also claims the record it undoes: a racing undo of the same record is "already undone", not stale.
                List<String> claim = function.equals("undo") && scope.startsWith("audit:")
                        ? List.of(planClaim(input), "undo:" + scope.substring("audit:".length()))
                        : List.of(planClaim(input));
                return audit.unclaimed(claim).flatMap(free -> current.apply(plan)).flatMap(now -> {
                    if (!now.digest().equals(plan.digest())) {
                        // A racing apply of this very plan may be what changed the world: then say that.
                        return audit.unclaimed(claim).map(free -> {
                            throw new FunctionError(409, "stale_plan", "what this would change differs from plan " + planId
                                    + " (" + now.rows() + " rows now): nothing was changed; run the dry run again", "planId");
                        });
                    }
                    // The second pair of eyes, after the re-plan: approvals are bound to this very digest.
                    return approvals.gate(function, plan, now.rows(), input, incidentId).flatMap(passed -> {
                        input.passedGate(passed);
                        began.set(true);
                        return apply.apply(plan);
                    }).call(answer -> link(function, input, incidentId, answer));
                });
            });
        }).onFailure(FunctionError.class).invoke(e -> {
            if (!began.get() && ((FunctionError) e).status() == 409) {
                meters.changed(function, function.equals("undo") ? "undo" : "apply", "refused");
            }
        });
    }

    /** Puts an applied action on its incident's timeline with its audit id and rows affected. */
    private Uni<Void> link(String function, ActionInput input, String incidentId, JsonNode answer) {
        if (incidentId == null || !answer.hasNonNull("auditId")) {
            return Uni.createFrom().voidItem();
        }
        long auditId = answer.get("auditId").asLong();
        return audit.find(auditId).map(record -> record.map(AuditTrail.Record::rowsAffected).orElse(0))
                .flatMap(rows -> timeline.applied(incidentId, input.getActor(), function, auditId, rows, input.getReason(),
                        input.getPlanId()));
    }

    /**
     * What a change did: its result for the answer, the rows it affected, its outcome ("applied",
     * "partial: ..."), and whether it is resumable (some steps failed: the same plan may run again
     * to finish them, so it keeps no claim on its plan).
     */
    public record Done<T>(T result, int rows, String outcome, boolean resumable) {
        public Done(T result, int rows, String outcome) {
            this(result, rows, outcome, false);
        }
    }

    /** A change as recorded: the id of its outcome audit record, its result and the rows it affected. */
    public record Audited<T>(long auditId, T result, int rows) {
    }

    /**
     * What an audited change is: who, which function, the action recorded ("apply", "undo",
     * "sweep"), why, its input and plan, what it undoes, and what it claims (a plan, an undone record).
     */
    public record Change(Actor actor, String function, String action, String reason, Object input, JsonNode plan,
            Long undoOf, List<String> claims, String approval) {

        /** A change no plan precedes (a provider's webhook, a schedule's sweep): it never passed the approval gate. */
        public Change(Actor actor, String function, String action, String reason, Object input, JsonNode plan, Long undoOf,
                List<String> claims) {
            this(actor, function, action, reason, input, plan, undoOf, claims, null);
        }
    }

    /** A planned apply: it claims its plan, so the plan applies once. */
    public <T> Uni<Audited<T>> audited(String function, ActionInput input, Object in, JsonNode plan,
            Function<Applying, Uni<Done<T>>> change) {
        return audited(new Change(input.getActor(), function, "apply", input.getReason(), in, plan, null,
                List.of(planClaim(input)), input.gate()), change);
    }

    /**
     * A planned apply that also holds claims on what it acts on (a provider's resource as read by
     * the re-plan): two applies of different plans that passed their re-plans at once serialise, the
     * second refused while the first runs. Such claims are given back when the change ends.
     */
    public <T> Uni<Audited<T>> audited(String function, ActionInput input, Object in, JsonNode plan, List<String> holding,
            Function<Applying, Uni<Done<T>>> change) {
        List<String> claims = new java.util.ArrayList<>();
        claims.add(planClaim(input));
        claims.addAll(holding);
        return audited(new Change(input.getActor(), function, "apply", input.getReason(), in, plan, null, List.copyOf(claims),
                input.gate()), change);
    }

    /** An undo's apply claiming {@code more} as well (see the apply's). */
    public <T> Uni<Audited<T>> auditedUndo(ActionInput input, Object in, JsonNode plan, long undoOf, List<String> more,
            Function<Applying, Uni<Done<T>>> change) {
        List<String> claims = new java.util.ArrayList<>(List.of(planClaim(input), "undo:" + undoOf));
        claims.addAll(more);
        return audited(new Change(input.getActor(), "undo", "undo", input.getReason(), in, plan, undoOf,
                List.copyOf(claims), input.gate()), change);
    }

    /** An undo's apply: it claims its plan and the record it undoes, so two undo plans of one change never both run. */
    public <T> Uni<Audited<T>> auditedUndo(ActionInput input, Object in, JsonNode plan, long undoOf,
            Function<Applying, Uni<Done<T>>> change) {
        return audited(new Change(input.getActor(), "undo", "undo", input.getReason(), in, plan, undoOf,
                List.of(planClaim(input), "undo:" + undoOf), input.gate()), change);
    }

    /**
     * The one way anything changes: a "started" record (with the change's claims) commits first;
     * the change gets the {@link Applying} capability every target and provider write needs and
     * reports each key that committed; then the outcome record says what happened. A change that
     * fails in any way, at any point, is recorded with exactly what it committed (and what is in
     * doubt) and answered 503 apply_failed naming that record; one that changed nothing gives its
     * claims back, so it can simply be tried again.
     */
    public <T> Uni<Audited<T>> audited(Change given, Function<Applying, Uni<Done<T>>> change) {
        if (given.approval() == null && approvals.policy(given.function(), null, 0).isPresent()) {
            // One gate for every entry point: a function with a policy changes nothing outside a planned, approved apply.
            meters.changed(given.function(), given.action(), "refused");
            throw new FunctionError(409, "not_approved", given.function() + " needs approval: only a planned apply "
                    + "with its approvals can change anything", null);
        }
        Change c = withApproval(given);
        AuditTrail.Entry started = new AuditTrail.Entry(c.actor(), c.function(), c.action() + "-started", c.reason(),
                c.input(), c.plan(), 0, List.of(), "started", c.undoOf());
        return audit.start(started, c.claims()).flatMap(startedId -> {
            Applying applying = new Applying(startedId);
            return Uni.createFrom().deferred(() -> change.apply(applying))
                    .onItemOrFailure().transformToUni((done, failure) -> failure == null ? succeeded(c, applying, done)
                            : failed(c, applying, failure));
        });
    }

    /** The change's records say what let it through the gate (approved by whom, an override, none needed). */
    private static Change withApproval(Change c) {
        if (c.approval() == null || !(c.input() instanceof Map<?, ?> in)) {
            return c;
        }
        Map<Object, Object> with = new java.util.LinkedHashMap<>(in);
        with.put("approval", c.approval());
        return new Change(c.actor(), c.function(), c.action(), c.reason(), with, c.plan(), c.undoOf(), c.claims(), c.approval());
    }

    private <T> Uni<Audited<T>> succeeded(Change c, Applying applying, Done<T> done) {
        AuditTrail.Entry outcome = new AuditTrail.Entry(c.actor(), c.function(), c.action(), c.reason(), c.input(), c.plan(),
                done.rows(), applying.externalIds(), done.outcome(), c.undoOf(), applying.result());
        List<String> release = new java.util.ArrayList<>(done.resumable() ? planClaims(c) : List.of());
        release.addAll(held(c));
        return audit.finish(outcome, applying.startedAuditId(), release)
                .invoke(auditId -> {
                    meters.changed(c.function(), c.action(), done.outcome());
                    LOG.infof("%s %s: %s, %d rows (audit record %d)", c.function(), c.action(),
                            LogText.loggable(done.outcome()), done.rows(), auditId);
                })
                .map(auditId -> new Audited<>(auditId, done.result(), done.rows()))
                .onFailure().transform(e -> unrecorded(c, applying, done.outcome(), e));
    }

    private <T> Uni<Audited<T>> failed(Change c, Applying applying, Throwable failure) {
        String why = LogText.firstLine(failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getMessage());
        boolean changed = applying.changedAnything();
        // A change that changed nothing gives its claims back; one that did keeps its plan (stale now)
        // but never the undone record's, so what is left can still be undone.
        List<String> release = c.claims().stream().filter(claim -> !changed || claim.startsWith("undo:")
                || held(c).contains(claim)).toList();
        AuditTrail.Entry outcome = new AuditTrail.Entry(c.actor(), c.function(), c.action(), c.reason(), c.input(), c.plan(),
                applying.committedCount(), applying.externalIds(), "failed: " + why, c.undoOf(), applying.result());
        return audit.finish(outcome, applying.startedAuditId(), release)
                .onFailure().transform(e -> unrecorded(c, applying, "failed: " + why, e))
                .invoke(auditId -> meters.changed(c.function(), c.action(), "failed"))
                .map(auditId -> {
                    if (changed) {
                        throw new FunctionError(503, "apply_failed", "the " + c.action() + " stopped part-way (" + why + "): "
                                + applying.committedCount() + " committed, " + applying.inDoubtCount()
                                + " in doubt, as audit record " + auditId + " lists; undo restores them, the dry run shows what is left",
                                null, Map.of("auditId", auditId, "committed", applying.committedCount(),
                                        "inDoubt", applying.inDoubtCount()), true);
                    }
                    if (failure instanceof FunctionError f) {
                        throw f;
                    }
                    throw new FunctionError(503, "apply_failed", "the " + c.action() + " failed before changing anything ("
                            + why + "), as audit record " + auditId + " says; it can be tried again", null,
                            Map.of("auditId", auditId, "committed", 0, "inDoubt", 0), false);
                });
    }

    /** The change's outcome could not be recorded (the ops database failed too): the log is the last record. */
    private FunctionError unrecorded(Change c, Applying applying, String outcome, Throwable e) {
        LOG.errorf("%s %s (%s): the outcome could not be recorded (%s); apply-started audit record %d stands; "
                + "what it changed: %s", c.function(), c.action(), outcome, LogText.firstLine(e.getMessage()),
                applying.startedAuditId(), applying.result());
        return new FunctionError(503, "apply_unrecorded", "the " + c.action() + " ended (" + outcome
                + ") but its outcome could not be recorded: apply-started audit record " + applying.startedAuditId()
                + " stands, and the service log lists what changed", null,
                Map.of("startedAuditId", applying.startedAuditId(), "committed", applying.committedCount(),
                        "inDoubt", applying.inDoubtCount()), applying.changedAnything());
    }

    /** Claims held only while a change runs: those on what it acts on, neither its plan's nor an undone record's. */
    private static List<String> held(Change c) {
        return c.claims().stream().filter(claim -> !claim.startsWith("plan:") && !claim.startsWith("undo:")).toList();
    }

    private static List<String> planClaims(Change c) {
        return c.claims().stream().filter(claim -> claim.startsWith("plan:")).toList();
    }

    private static String planClaim(ActionInput input) {
        return "plan:" + input.getPlanId();
    }

    /** The input's planId, or the bad-input error a caller can act on (missing: why it is needed). */
    private static UUID planId(ActionInput input, String missing) {
        if (input.getPlanId() == null || input.getPlanId().isBlank()) {
            throw FunctionError.badInput("missing_field", "planId", missing);
        }
        try {
            return UUID.fromString(input.getPlanId());
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "planId", "planId is not a plan id");
        }
    }

    /** Validates the apply fields of an action input; returns the plan id. */
    public static UUID requireApply(ActionInput input) {
        UUID planId = planId(input, "apply needs the planId of a dry run");
        InputText.reason(input.getReason(), "apply needs a reason, kept in the audit record");
        return planId;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
