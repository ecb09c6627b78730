package io.firebreak.functions.deny;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ApprovalInput;
import io.firebreak.safety.Approvals;

/** Denies a plan by its id and digest with a reason; a denied plan cannot be applied. */
@Singleton
public class DenyFunction {

    @Inject
    Approvals approvals;

    @Funq("deny")
    public Uni<Approvals.Decided> deny(ApprovalInput input) {
        if (input == null) {
            throw FunctionError.badInput("missing_field", "planId", "deny needs the planId and digest of the plan");
        }
        var plan = input.plan();
        String digest = input.reviewedDigest();
        return approvals.decide(plan, digest, input.why(), input.getActor(), false);
    }
}
