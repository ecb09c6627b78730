package io.firebreak.functions.resolveincident;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentPeople;
import io.firebreak.platform.FunctionError;

/** Resolves an incident on evidence (healthy probes, error rate), or when its commander forces it with a reason. */
@Singleton
public class ResolveIncidentFunction {

    @Inject
    ResolveIncidentFlow flow;

    @Funq("resolve-incident")
    public Uni<JsonNode> resolveIncident(ResolveIncidentInput input) {
        IncidentActions.requireId(input);
        String resolution = IncidentActions.text(input.getResolution(), "resolution", 2000, true);
        String reason = IncidentActions.text(input.getReason(), "reason", 1000, false);
        boolean force = Boolean.TRUE.equals(input.getForce());
        if (force && reason == null) {
            throw FunctionError.badInput("missing_field", "reason", "forcing a resolution needs a reason, kept on the record");
        }
        if (input.getPublic() != null && input.getPublic().getPlanId() != null) {
            throw FunctionError.badInput("invalid_value", "public.planId",
                    "a resolution's public words are never held for approval: give public.text");
        }
        return flow.resolve(input, resolution, force, IncidentPeople.tenants(input.getNotifyTenants()));
    }
}
