package io.firebreak.incident;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionError;
import io.firebreak.safety.ActionTimeline;

/** The incident kernel's side of the safety model's port: applied changes land on the incident's timeline. */
@ApplicationScoped
public class IncidentTimeline implements ActionTimeline {

    @Inject
    IncidentStore incidents;

    @Inject
    Clock clock;

    @Override
    public Uni<Void> requireKnown(String incidentId) {
        if (!IncidentIds.valid(incidentId)) {
            throw FunctionError.badInput("invalid_value", "incidentId", "incidentId must look like INC-YYYY-MM-DD-NNN");
        }
        return incidents.find(incidentId).map(i -> {
            if (i.isEmpty()) {
                throw new FunctionError(404, "incident_not_found", "no incident " + incidentId, "incidentId");
            }
            return null;
        });
    }

    /**
     * After the change committed: the audit record is the authority, the timeline entry a pointer
     * to it (the post-mortem's "actions taken" reads it).
     */
    @Override
    public Uni<Void> applied(String incidentId, Actor actor, String function, long auditId, int rows, String reason,
            String planId) {
        return incidents.transaction(tx -> tx.addEvent(incidentId, clock.instant(), "action", IncidentActions.source(actor),
                function + " applied: " + rows + " rows (" + reason + ")",
                Map.of("function", function, "auditId", auditId, "rows", rows, "planId", planId)));
    }
}
