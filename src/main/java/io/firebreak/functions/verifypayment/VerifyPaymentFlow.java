package io.firebreak.functions.verifypayment;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.firebreak.domain.AuditTrail;
import io.firebreak.domain.Payments;
import io.firebreak.functions.ActionInput;
import io.firebreak.functions.FunctionError;
import io.firebreak.functions.PlannedActions;
import io.firebreak.providers.PaymentProviders;
import io.smallrye.mutiny.Uni;

/**
 * Seed 000 "Payment stuck in pending": ask the provider, and move the row to the verified outcome
 * only when amount and currency match; everything else is reported and left unchanged.
 */
@ApplicationScoped
public class VerifyPaymentFlow {

    static final String FUNCTION = "verify-payment";

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
            String providerId = plan.content().path("providerId").asText(null);
            return payments.settle(reference, after).flatMap(moved -> audit.record(new AuditTrail.Entry(
                    input.getActor(), FUNCTION, "apply", input.getReason(),
                    Map.of("reference", reference, "planId", input.getPlanId()), plan.content(), moved,
                    providerId == null ? List.of() : List.of(providerId), moved == 1 ? "applied" : "no_change", null))
                    .map(auditId -> {
                        ObjectNode answer = mapper.createObjectNode();
                        answer.put("applied", moved == 1);
                        answer.put("auditId", auditId);
                        answer.put("reference", reference);
                        answer.put("status", after);
                        return (JsonNode) answer;
                    }));
        });
    }

    /**
     * A signed provider event: never trusted as is. The payment is looked up, its provider asked
     * again, and the row moved only on that answer; a replayed event finds it no longer pending.
     */
    public Uni<JsonNode> webhook(String provider, String reference, String event, io.firebreak.functions.Actor actor) {
        return payments.find(reference).flatMap(found -> {
            ObjectNode answer = mapper.createObjectNode();
            answer.put("received", true);
            answer.put("reference", reference);
            if (found.isEmpty() || !found.get().provider().equals(provider)) {
                answer.put("finding", found.isEmpty() ? "unknown_payment" : "provider_mismatch");
                answer.put("settled", false);
                return Uni.createFrom().item((JsonNode) answer);
            }
            return providers.verify(provider, reference).map(v -> PaymentDecision.of(found.get(), v))
                    .flatMap(d -> (d.changes() ? payments.settle(reference, d.after()) : Uni.createFrom().item(0))
                            .flatMap(moved -> (moved == 1 ? audit.record(new AuditTrail.Entry(actor, "payment-webhook",
                                    "apply", "provider event " + event, Map.of("reference", reference, "event",
                                            String.valueOf(event)), mapper.valueToTree(d), 1,
                                    d.providerId() == null ? List.of() : List.of(d.providerId()), "applied", null))
                                    : Uni.createFrom().item((Long) null)).map(auditId -> {
                                        answer.put("finding", d.finding());
                                        answer.put("settled", moved == 1);
                                        answer.put("status", moved == 1 ? d.after() : found.get().status());
                                        if (auditId != null) {
                                            answer.put("auditId", auditId);
                                        }
                                        return (JsonNode) answer;
                                    })));
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
