package io.firebreak.functions.approve;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ApprovalInput;
import io.firebreak.safety.Approvals;

/** Approves a plan by its id and digest, as the policy's approver (incident commander, deputy or admin); machine tokens never approve. */
@Singleton
public class ApproveFunction {

    @Inject
    Approvals approvals;

    @Funq("approve")
    public Uni<Approvals.Decided> approve(ApprovalInput input) {
        if (input == null) {
            throw FunctionError.badInput("missing_field", "planId", "approve needs the planId and digest of the plan");
        }
        var plan = input.plan();
        String digest = input.reviewedDigest();
        return approvals.decide(plan, digest, input.why(), input.getActor(), true);
    }
}
