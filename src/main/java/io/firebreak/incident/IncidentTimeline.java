package io.firebreak.incident;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    @Inject
    IncidentMessages messages;

    @Inject
    TeamMessages outbox;

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

    @Override
    public Uni<Set<String>> rolesOf(String incidentId, Actor actor) {
        if (incidentId == null || actor.name() == null) {
            return Uni.createFrom().item(Set.of());
        }
        return incidents.find(incidentId).map(found -> found.filter(Incident::open).map(i -> {
            Set<String> held = new TreeSet<>();
            for (String role : List.of("commander", "deputy")) {
                String person = i.roles().get(role);
                if (person != null && person.equalsIgnoreCase(actor.name())) {
                    held.add(role);
                }
            }
            return (Set<String>) held;
        }).orElse(Set.of()));
    }

    @Override
    public Uni<Void> event(String incidentId, Actor actor, String kind, String summary, Map<String, Object> detail) {
        if (incidentId == null) {
            return Uni.createFrom().voidItem();
        }
        return incidents.transaction(tx -> tx.addEvent(incidentId, clock.instant(), kind, IncidentActions.source(actor),
                summary, detail));
    }

    @Override
    public Uni<Void> askApprovers(String incidentId, long requestId, String subject, String text) {
        if (incidentId == null) {
            return Uni.createFrom().voidItem();
        }
        List<TeamMessages.Message> ask = messages.toLevel(1, "approval-request", subject, text, "approval-request:" + requestId);
        return incidents.transaction(tx -> outbox.queue(tx.connection(), incidentId, ask))
                .flatMap(queued -> messages.afterCommit(incidentId, "function:request-approval")).replaceWithVoid();
    }
}
