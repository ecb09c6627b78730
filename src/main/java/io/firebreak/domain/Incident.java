package io.firebreak.domain;

import java.time.Instant;
import java.util.List;

/** An incident as the ops database keeps it, with its timeline. */
public record Incident(String id, String title, String severity, String status, String fingerprint, String source,
        Instant openedAt, Instant resolvedAt, List<Event> timeline) {

    /** One timeline entry: when, what kind, who or what caused it, and its details. */
    public record Event(Instant at, String kind, String source, String summary, Object detail) {
    }
}
