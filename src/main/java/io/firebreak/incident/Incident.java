package io.firebreak.incident;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An incident as the ops database keeps it: severity in the configured scale, roles, escalation,
 * when the next status update is due, its channel, resolution and post-mortem, and its timeline.
 */
@RegisterForReflection
public record Incident(String id, String title, String severity, String status, String fingerprint, String source,
        Instant openedAt, Instant resolvedAt, String impact, String declaredBy, Instant acknowledgedAt,
        String acknowledgedBy, Map<String, String> roles, int escalationLevel, Instant lastUpdateAt,
        Instant nextUpdateDue, String channel, List<String> tenants, Instant mitigatedAt, String resolution,
        Boolean resolutionForced, Postmortem postmortem, List<Event> timeline,
        @JsonIgnore Severity rank, @JsonIgnore Reminders reminders, @JsonIgnore String channelId,
        @JsonIgnore String channelState, Ticket ticket) {

    /** Without a ticket: drafts and rules that never open one. */
    public Incident(String id, String title, String severity, String status, String fingerprint, String source,
            Instant openedAt, Instant resolvedAt, String impact, String declaredBy, Instant acknowledgedAt,
            String acknowledgedBy, Map<String, String> roles, int escalationLevel, Instant lastUpdateAt,
            Instant nextUpdateDue, String channel, List<String> tenants, Instant mitigatedAt, String resolution,
            Boolean resolutionForced, Postmortem postmortem, List<Event> timeline, Severity rank, Reminders reminders,
            String channelId, String channelState) {
        this(id, title, severity, status, fingerprint, source, openedAt, resolvedAt, impact, declaredBy, acknowledgedAt,
                acknowledgedBy, roles, escalationLevel, lastUpdateAt, nextUpdateDue, channel, tenants, mitigatedAt,
                resolution, resolutionForced, postmortem, timeline, rank, reminders, channelId, channelState, null);
    }

    public boolean open() {
        return !"resolved".equals(status);
    }

    public String commander() {
        return roles.get("commander");
    }

    /** One timeline entry: when, what kind, who or what caused it, and its details. */
    @RegisterForReflection
    public record Event(Instant at, String kind, String source, String summary, Object detail) {
    }

    /** Whether the post-mortem is written, where, and when it is due. */
    @RegisterForReflection
    public record Postmortem(Instant dueAt, Instant writtenAt, String link, Instant remindedAt) {
    }

    /**
     * Seed 003's incident ticket (IncidentTicket): the GitHub issue's number and address once it is open;
     * state open, closed, opening (the create is pending) or failed (the create is dead), the create's last
     * error, how often it was re-queued, and what happens next.
     */
    @RegisterForReflection
    public record Ticket(Integer number, String url, String state, String error, int requeues, String note) {
        @JsonIgnore
        public boolean opened() {
            return number != null;
        }
    }

    /** Which cadence reminders went out already (the due time each was sent for). */
    public record Reminders(Instant dueSentFor, Instant overdueSentFor) {
    }
}
