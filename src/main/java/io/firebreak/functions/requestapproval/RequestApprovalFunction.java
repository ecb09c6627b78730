package io.firebreak.functions.requestapproval;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionTimeline;
import io.firebreak.safety.ApprovalInput;
import io.firebreak.safety.Approvals;

/** Asks for the approvals a plan's policy needs; the approvers are told in the incident channel and by email. */
@Singleton
public class RequestApprovalFunction {

    @Inject
    Approvals approvals;

    @Inject
    ActionTimeline timeline;

    @Funq("request-approval")
    public Uni<Approvals.Requested> requestApproval(ApprovalInput input) {
        if (input == null) {
            throw FunctionError.badInput("missing_field", "planId", "request-approval needs the planId of a dry run");
        }
        var plan = input.plan();
        String reason = input.why();
        String incidentId = input.getIncidentId();
        Uni<Void> known = incidentId == null ? Uni.createFrom().voidItem() : timeline.requireKnown(incidentId);
        return known.flatMap(v -> approvals.ask(plan, reason, input.getActor(), incidentId));
    }
}
