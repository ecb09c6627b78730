package io.firebreak.functions.setcomponentstatus;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.StatusComponents;
import io.firebreak.platform.FunctionError;

/** Sets (or clears) a status page component's state explicitly, over what incidents and probes derive, with a dry run, audited. */
@Singleton
public class SetComponentStatusFunction {

    /** An override lasts at most a week; without forMinutes, until cleared. */
    static final int LONGEST_MINUTES = 7 * 24 * 60;

    @Inject
    SetComponentStatusFlow flow;

    @Inject
    StatusComponents declared;

    @Funq("set-component-status")
    public Uni<JsonNode> setComponentStatus(SetComponentStatusInput input) {
        if (input == null || input.getComponent() == null) {
            throw FunctionError.badInput("missing_field", "component", "component, status (or clear) and reason are required");
        }
        String component = declared.ids(List.of(input.getComponent()), "component").get(0);
        boolean clear = Boolean.TRUE.equals(input.getClear());
        if (clear == (input.getStatus() != null)) {
            throw FunctionError.badInput(clear ? "invalid_value" : "missing_field", "status",
                    "give a status, or clear: true to go back to the derived state (not both)");
        }
        if (!clear && !StatusComponents.STATES.contains(input.getStatus())) {
            throw FunctionError.badInput("invalid_value", "status", "status is one of " + StatusComponents.STATES);
        }
        if (input.getForMinutes() != null && (input.getForMinutes() < 1 || input.getForMinutes() > LONGEST_MINUTES || clear)) {
            throw FunctionError.badInput("invalid_value", "forMinutes",
                    "forMinutes is 1.." + LONGEST_MINUTES + ", and only with a status");
        }
        String reason = IncidentActions.text(input.getReason(), "reason", 1000, true);
        return flow.set(input, component, clear ? null : input.getStatus(), reason);
    }
}
