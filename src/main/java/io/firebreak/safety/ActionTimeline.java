package io.firebreak.safety;

import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Actor;

/**
 * Where an applied change is told to its incident: the one thing the safety model needs from the
 * incident kernel, as a port it implements, so that safety does not depend on the incident record.
 */
public interface ActionTimeline {

    /** Fails with a caller's error (400 malformed, 404 unknown) unless the incident can take the action. */
    Uni<Void> requireKnown(String incidentId);

    /** The live incident roles (commander, deputy) the actor holds on this incident: approvals may require one. */
    Uni<java.util.Set<String>> rolesOf(String incidentId, Actor actor);

    /** An event on the incident's timeline: an approval's request, decision, expiry or override, a snapshot taken. */
    Uni<Void> event(String incidentId, Actor actor, String kind, String summary, java.util.Map<String, Object> detail);

    /**
     * Tells the approvers a plan waits for them (the incident's channel and the first escalation
     * level's contacts, through the team outbox); the call never waits for delivery.
     */
    Uni<Void> askApprovers(String incidentId, long requestId, String subject, String text);

    /** Puts an applied change on its incident's timeline, pointing at its audit record. */
    Uni<Void> applied(String incidentId, Actor actor, String function, long auditId, int rows, String reason, String planId);
}
