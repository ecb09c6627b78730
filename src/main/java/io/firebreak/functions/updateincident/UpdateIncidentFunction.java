package io.firebreak.functions.updateincident;

import java.util.List;
import java.util.Locale;

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

/** Posts a status update (status, severity up or down with a reason, the text) to the channel and tenants. */
@Singleton
public class UpdateIncidentFunction {

    static final List<String> STATUSES = List.of("investigating", "mitigating", "monitoring");

    @Inject
    UpdateIncidentFlow flow;

    @Inject
    SeverityScale scale;

    @Funq("update-incident")
    public Uni<JsonNode> updateIncident(UpdateIncidentInput input) {
        IncidentActions.requireId(input);
        String status = null;
        if (input.getStatus() != null) {
            status = input.getStatus().strip().toLowerCase(Locale.ROOT);
            if (status.equals("resolved")) {
                throw new FunctionError(409, "use_resolve_incident",
                        "resolution goes through resolve-incident, which checks the evidence first", "status");
            }
            if (!STATUSES.contains(status)) {
                throw FunctionError.badInput("invalid_value", "status", "status is one of " + STATUSES);
            }
        }
        Severity rank = null;
        if (input.getSeverity() != null) {
            rank = scale.parse(input.getSeverity()).orElseThrow(() -> FunctionError.badInput("invalid_value", "severity",
                    "severity is one of " + scale.labels() + " (the " + scale.name() + " scale)"));
        }
        String reason = IncidentActions.text(input.getReason(), "reason", 1000, false);
        if (rank != null && reason == null) {
            throw FunctionError.badInput("missing_field", "reason", "a severity change needs a reason");
        }
        String text = IncidentActions.text(input.getText(), "text", 4000, false);
        if (status == null && rank == null && text == null && input.getPublic() == null) {
            throw FunctionError.badInput("nothing_to_update", "text", "give a status, a severity, the update text or a public part");
        }
        List<String> tenants = IncidentPeople.tenants(input.getNotifyTenants());
        return flow.update(input, status, rank, text, !Boolean.FALSE.equals(input.getPublish()), tenants);
    }
}
