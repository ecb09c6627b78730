package io.firebreak.functions.declareincident;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentPeople;
import io.firebreak.incident.Severity;
import io.firebreak.incident.SeverityScale;
import io.firebreak.platform.FunctionError;

/** Declares an incident with a severity, impact and commander; opens its Slack channel and pages the first level. */
@Singleton
public class DeclareIncidentFunction {

    @Inject
    DeclareIncidentFlow flow;

    @Inject
    SeverityScale scale;

    @Funq("declare-incident")
    public Uni<JsonNode> declareIncident(DeclareIncidentInput input) {
        if (input == null) {
            throw FunctionError.badInput("missing_field", "title", "title, severity and impact are required");
        }
        if (input.getId() != null) {
            throw FunctionError.badInput("invalid_value", "id", "the id is assigned at declaration (INC-YYYY-MM-DD-NNN)");
        }
        String title = IncidentActions.text(input.getTitle(), "title", 200, true);
        Severity rank = scale.parse(input.getSeverity()).orElseThrow(() -> FunctionError.badInput(
                input.getSeverity() == null ? "missing_field" : "invalid_value", "severity",
                "severity is one of " + scale.labels() + " (the " + scale.name() + " scale)"));
        String impact = IncidentActions.text(input.getImpact(), "impact", 1000, true);
        String commander = IncidentPeople.person(input.getCommander(), "commander", false);
        var tenants = IncidentPeople.tenants(input.getTenants());
        IncidentActions.text(input.getReason(), "reason", 1000, false);
        return flow.declare(input, title, rank, impact, commander, tenants);
    }
}
