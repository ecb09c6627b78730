package io.firebreak.functions.railwaydeploy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentIds;
import io.firebreak.platform.FunctionError;

/** Restarts, redeploys or rolls back a declared Railway service (to the last good deployment before the incident), planned, audited with Railway's ids, the new deployment followed until it settles. */
@Singleton
public class RailwayDeployFunction {

    static final List<String> ACTIONS = List.of("restart", "redeploy", "rollback");

    /** Railway's deployment ids are UUIDs; letters, digits, - and _ keep any id its API shows. */
    static final Pattern DEPLOYMENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    @Inject
    RailwayDeployFlow flow;

    @Funq("railway-deploy")
    public Uni<JsonNode> railwayDeploy(RailwayDeployInput input) {
        RailwayDeployInput in = input == null ? new RailwayDeployInput() : input;
        RailwayDeployFlow.Request request = request(in);
        return in.applying() ? flow.apply(request, in) : flow.plan(request, in);
    }

    static RailwayDeployFlow.Request request(RailwayDeployInput in) {
        String action = in.getAction() == null ? null : in.getAction().strip();
        if (action == null || action.isEmpty()) {
            throw FunctionError.badInput("missing_field", "action", "action is one of " + String.join(", ", ACTIONS));
        }
        if (!ACTIONS.contains(action)) {
            throw FunctionError.badInput("invalid_value", "action", "action is one of " + String.join(", ", ACTIONS));
        }
        String deploymentId = blankToNull(in.getDeploymentId());
        String beforeText = blankToNull(in.getBefore());
        if (!action.equals("rollback") && (deploymentId != null || beforeText != null)) {
            throw FunctionError.badInput("invalid_value", deploymentId != null ? "deploymentId" : "before",
                    (deploymentId != null ? "deploymentId" : "before") + " is for a rollback only");
        }
        if (deploymentId != null && beforeText != null) {
            throw FunctionError.badInput("invalid_value", "before", "give deploymentId (the target) or before (a cut-off), not both");
        }
        if (deploymentId != null && !DEPLOYMENT_ID.matcher(deploymentId).matches()) {
            throw FunctionError.badInput("invalid_value", "deploymentId", "deploymentId is a Railway deployment id");
        }
        Instant before = beforeText == null ? null : instant(beforeText);
        String incidentId = blankToNull(in.getIncidentId());
        if (incidentId != null && !IncidentIds.valid(incidentId)) {
            throw FunctionError.badInput("invalid_value", "incidentId", "incidentId must look like INC-YYYY-MM-DD-NNN");
        }
        String service = in.getService() == null ? null : in.getService().strip();
        return new RailwayDeployFlow.Request(service, action, deploymentId, before, incidentId);
    }

    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw FunctionError.badInput("invalid_value", "before", "before is an ISO-8601 instant, e.g. 2026-12-01T14:05:00Z");
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
