package io.firebreak.functions.verifypayment;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.providers.PaymentProviders;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Seed 000 "Payment stuck in pending": ask the provider, and move the row to the verified outcome
 * only when amount and currency match; everything else is reported and left unchanged.
 */
@ApplicationScoped
public class VerifyPaymentFlow implements Undoable {

    /** The applied answer for one payment: false when it had already moved on (nothing changed). */
    @RegisterForReflection
    public record Settled(boolean applied, long auditId, String reference, String status) {
    }

    /** The applied answer of a sweep: how many payments were settled. */
    @RegisterForReflection
    public record Swept(boolean applied, long auditId, int settled) {
    }

    public static final String FUNCTION = "verify-payment";

    @Inject
    Payments payments;

    @Inject
    PaymentProviders providers;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    ObjectMapper mapper;

    @Inject
    io.firebreak.safety.ActionConfig config;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "firebreak.payments.concurrency", defaultValue = "8")
    int concurrency;

    public Uni<JsonNode> plan(String reference, ActionInput input) {
        return decide(reference).flatMap(decision -> {
            if (!decision.changes()) {
                ObjectNode answer = mapper.createObjectNode();
                answer.put("dryRun", true);
                answer.putNull("planId");
                answer.put("rows", 0);
                answer.set("changes", mapper.valueToTree(decision));
                return Uni.createFrom().item((JsonNode) answer);
            }
            return actions.plan(FUNCTION, input.getActor(), proposal(decision));
        });
    }

    public Uni<JsonNode> apply(String reference, ActionInput input) {
        return actions.apply(FUNCTION, reference, input, decide(reference).map(this::proposal), plan -> {
            String after = plan.content().path("after").asText();
            Map<String, Object> in = Map.of("reference", reference, "planId", input.getPlanId());
            String providerId = plan.content().path("providerId").asText(null);
            return actions.audited(FUNCTION, input, in, plan.content(), apply -> settleOne(apply, reference, after, providerId))
                    .map(done -> (JsonNode) mapper.valueToTree(new Settled(done.rows() == 1, done.auditId(), reference, after)));
        });
    }

    /**
     * A signed provider event: never trusted as is. The payment is looked up, its provider asked
     * again, and the row moved only on that answer, audited like any apply; a replayed event finds
     * it no longer pending and changes nothing.
     */
    public Uni<JsonNode> webhook(String provider, String reference, String event, io.firebreak.platform.Actor actor) {
        return payments.find(reference).flatMap(found -> {
            ObjectNode answer = mapper.createObjectNode();
            answer.put("received", true);
            answer.put("reference", reference);
            if (found.isEmpty() || !found.get().provider().equals(provider)) {
                answer.put("finding", found.isEmpty() ? "unknown_payment" : "provider_mismatch");
                answer.put("settled", false);
                return Uni.createFrom().item((JsonNode) answer);
            }
            return providers.verify(provider, reference).map(v -> PaymentDecision.of(found.get(), v)).flatMap(d -> {
                answer.put("finding", d.finding());
                if (!d.changes()) {
                    answer.put("settled", false);
                    answer.put("status", found.get().status());
                    return Uni.createFrom().item((JsonNode) answer);
                }
                PlannedActions.Change change = new PlannedActions.Change(actor, "payment-webhook", "apply",
                        "provider event " + event, Map.of("reference", reference, "event", String.valueOf(event)),
                        mapper.valueToTree(d), null, List.of());
                return actions.audited(change, apply -> settleOne(apply, reference, d.after(), d.providerId())).map(done -> {
                    answer.put("settled", done.rows() == 1);
                    answer.put("status", done.rows() == 1 ? d.after() : found.get().status());
                    answer.put("auditId", done.auditId());
                    return (JsonNode) answer;
                });
            });
        });
    }

    /**
     * The sweep by hand: every payment pending for over an hour (the seed's query, bounded), each
     * asked of its provider with bounded concurrency; the plan lists the moves and the findings.
     */
    public Uni<JsonNode> planSweep(ActionInput input) {
        return sweepProposal().flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    /**
     * Applies a sweep plan: the planned payments are moved (each only if still pending), audited as
     * one apply. Every move runs to its end before the outcome is recorded, so a failed apply's
     * record lists exactly the payments that moved.
     */
    public Uni<JsonNode> applySweep(ActionInput input) {
        return actions.apply(FUNCTION, "sweep", input, sweepProposal(), plan -> {
            List<JsonNode> moves = new java.util.ArrayList<>();
            plan.content().path("moves").forEach(moves::add);
            return actions.audited(FUNCTION, input, Map.of("sweep", true, "planId", input.getPlanId()), plan.content(),
                    apply -> settleAll(apply, moves).map(settled -> new PlannedActions.Done<>(settled, settled, "applied")))
                    .map(done -> (JsonNode) mapper.valueToTree(new Swept(true, done.auditId(), done.rows())));
        });
    }

    /**
     * Moves one pending payment; when it moved, the provider's id of it is kept with the record
     * (nothing changed at the provider). 1 if it moved, 0 if it was no longer pending.
     */
    private Uni<Integer> settle(io.firebreak.safety.Applying apply, String reference, String after, String providerId) {
        return payments.settle(apply, reference, after).invoke(moved -> {
            if (moved == 1 && providerId != null && !providerId.isEmpty()) {
                apply.external(providerId);
            }
        });
    }

    /** One payment settled as a whole audited change: "no_change" when it was no longer pending. */
    private Uni<PlannedActions.Done<Integer>> settleOne(io.firebreak.safety.Applying apply, String reference,
            String after, String providerId) {
        return settle(apply, reference, after, providerId)
                .map(moved -> new PlannedActions.Done<>(moved, moved, moved == 1 ? "applied" : "no_change"));
    }

    /**
     * Moves each planned payment, a few at a time, never cancelling a move in flight: the first
     * failure is raised only once every move has ended (each one's outcome is then in the ledger).
     */
    Uni<Integer> settleAll(io.firebreak.safety.Applying apply, List<JsonNode> moves) {
        return io.smallrye.mutiny.Multi.createFrom().iterable(moves)
                .onItem().transformToUni(m -> settle(apply, m.path("reference").asText(), m.path("after").asText(),
                        m.path("providerId").asText(null))
                        .map(moved -> (Object) moved).onFailure().recoverWithItem(e -> e))
                .merge(4).collect().asList()
                .map(results -> {
                    int settled = 0;
                    for (Object r : results) {
                        if (r instanceof Throwable t) {
                            throw t instanceof RuntimeException re ? re : new IllegalStateException(t);
                        }
                        settled += (Integer) r;
                    }
                    return settled;
                });
    }

    Uni<PlannedActions.Proposal> sweepProposal() {
        return payments.stuck(config.maxRows() + 1).flatMap(stuck -> {
            actions.bounded(stuck.size());
            return io.smallrye.mutiny.Multi.createFrom().iterable(stuck)
                    .onItem().transformToUni(p -> providers.verify(p.provider(), p.reference())
                            .map(v -> PaymentDecision.of(p, v)))
                    .merge(concurrency).collect().asList();
        }).map(decisions -> {
            List<PaymentDecision> sorted = decisions.stream()
                    .sorted(java.util.Comparator.comparing(PaymentDecision::reference)).toList();
            ObjectNode changes = mapper.createObjectNode();
            var moves = changes.putArray("moves");
            var findings = changes.putObject("findings");
            StringBuilder digest = new StringBuilder("sweep");
            for (PaymentDecision d : sorted) {
                findings.put(d.finding(), findings.path(d.finding()).asInt(0) + 1);
                if (d.changes()) {
                    moves.add(mapper.valueToTree(d));
                    digest.append('|').append(d.digestPart());
                }
            }
            changes.put("checked", sorted.size());
            changes.set("unchanged", mapper.valueToTree(sorted.stream().filter(d -> !d.changes()).toList()));
            return new PlannedActions.Proposal("sweep", PlannedActions.sha256(digest.toString()), moves.size(), changes);
        });
    }

    /** Undo finds this function by its name. */
    @Override
    public String function() {
        return FUNCTION;
    }

    /** Undo's dry run: the payments an apply settled that still have the status it gave them go back to pending. */
    @Override
    public Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input) {
        return undoProposal(applied).flatMap(p -> actions.plan("undo", input.getActor(), p));
    }

    @Override
    public Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input) {
        return actions.apply("undo", "audit:" + applied.id(), input, undoProposal(applied), plan -> {
            List<JsonNode> moves = new java.util.ArrayList<>();
            plan.content().path("moves").forEach(moves::add);
            Map<String, Object> in = Map.of("auditId", applied.id(), "planId", input.getPlanId());
            return actions.auditedUndo(input, in, plan.content(), applied.id(), apply -> {
                Uni<Integer> reopened = Uni.createFrom().item(0);
                for (JsonNode m : moves) {
                    reopened = reopened.flatMap(n -> payments.reopen(apply, m.path("reference").asText(),
                            m.path("before").asText()).map(moved -> n + moved));
                }
                return reopened.map(n -> new PlannedActions.Done<>(n, n, "applied"));
            }).map(done -> {
                ObjectNode answer = mapper.createObjectNode();
                answer.put("applied", true);
                answer.put("undoOf", applied.id());
                answer.put("auditId", done.auditId());
                answer.put("paymentsReopened", done.result());
                return (JsonNode) answer;
            });
        });
    }

    Uni<PlannedActions.Proposal> undoProposal(AuditTrail.Record applied) {
        List<JsonNode> settled = new java.util.ArrayList<>();
        JsonNode plan = applied.plan();
        // Only the payments the apply moved (its recorded result), or its whole plan for records before results.
        List<String> moved = io.firebreak.safety.Applying.changedKeys(applied.result(), Payments.KIND);
        (plan.has("moves") ? plan.path("moves") : mapper.createArrayNode().add(plan)).forEach(m -> {
            if (moved == null || moved.contains(m.path("reference").asText())) {
                settled.add(m);
            }
        });
        return audit.notUndone(applied.id()).flatMap(notUndone -> {
            return io.smallrye.mutiny.Multi.createFrom().iterable(settled)
                    .onItem().transformToUniAndConcatenate(m -> payments.find(m.path("reference").asText())
                            .map(found -> java.util.Map.entry(m, found)))
                    .collect().asList();
        }).map(current -> {
            ObjectNode changes = mapper.createObjectNode();
            var moves = changes.putArray("moves");
            int notRestored = 0;
            StringBuilder digest = new StringBuilder("undo=" + applied.id());
            for (var e : current) {
                String after = e.getKey().path("after").asText();
                if (e.getValue().isPresent() && e.getValue().get().status().equals(after)) {
                    moves.addObject().put("reference", e.getKey().path("reference").asText()).put("before", after)
                            .put("after", "pending");
                    digest.append('|').append(e.getKey().path("reference").asText()).append(':').append(after);
                } else {
                    notRestored++;
                }
            }
            changes.put("notRestored", notRestored);
            actions.bounded(moves.size());
            return new PlannedActions.Proposal("audit:" + applied.id(), PlannedActions.sha256(digest.toString()),
                    moves.size(), changes);
        });
    }

    Uni<PaymentDecision> decide(String reference) {
        return payments.find(reference).flatMap(found -> {
            Payments.Payment p = found.orElseThrow(() -> new FunctionError(404, "unknown_payment",
                    "no payment with reference " + reference, "reference"));
            return providers.verify(p.provider(), p.reference()).map(v -> PaymentDecision.of(p, v));
        });
    }

    PlannedActions.Proposal proposal(PaymentDecision d) {
        return new PlannedActions.Proposal(d.reference(), PlannedActions.sha256(d.digestPart()), d.changes() ? 1 : 0,
                mapper.valueToTree(d));
    }
}
