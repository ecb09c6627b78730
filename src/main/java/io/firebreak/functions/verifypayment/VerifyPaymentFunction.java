package io.firebreak.functions.verifypayment;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Verifies a stuck payment with its provider and settles it only when amount and currency agree. */
@Singleton
public class VerifyPaymentFunction {

    @Inject
    VerifyPaymentFlow flow;

    @Inject
    io.firebreak.safety.PlannedActions actions;

    @Funq("verify-payment")
    public Uni<JsonNode> verifyPayment(VerifyPaymentInput input) {
        if (input != null && input.paging()) {
            return actions.page("verify-payment", input);
        }
        String reference = input == null ? null : input.getReference();
        if (input != null && input.sweeping()) {
            if (reference != null) {
                throw FunctionError.badInput("invalid_value", "sweep", "give a reference or sweep, not both");
            }
            return input.applying() ? flow.applySweep(input) : flow.planSweep(input);
        }
        if (reference == null || reference.isBlank()) {
            throw FunctionError.badInput("missing_field", "reference", "reference is required");
        }
        if (reference.length() > 200) {
            throw FunctionError.badInput("invalid_value", "reference", "reference is at most 200 characters");
        }
        return input.applying() ? flow.apply(reference, input) : flow.plan(reference, input);
    }
}
