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

    /** Puts an applied change on its incident's timeline, pointing at its audit record. */
    Uni<Void> applied(String incidentId, Actor actor, String function, long auditId, int rows, String reason, String planId);
}
