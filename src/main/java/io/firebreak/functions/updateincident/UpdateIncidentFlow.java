package io.firebreak.functions.updateincident;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.IncidentMessages;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.PublicPosts;
import io.firebreak.incident.Severity;
import io.firebreak.incident.SeverityScale;

/**
 * The seeds' status update (seed 003's 30-minute cadence, seed 001's template): a status or
 * severity change and the update text on the timeline, the cadence restarted, the update posted in
 * the incident channel and, when asked, sent to the affected tenants through notify-tenant. A
 * raised severity escalates one level at once (seed 001: "severity increases").
 */
@ApplicationScoped
public class UpdateIncidentFlow {

    static final String FUNCTION = "update-incident";

    @Inject
    IncidentActions actions;

    @Inject
    IncidentMessages messages;

    @Inject
    IncidentStore incidents;

    @Inject
    IncidentConfig config;

    @Inject
    SeverityScale scale;

    @Inject
    PublicPosts posts;

    @Inject
    Clock clock;

    public Uni<JsonNode> update(UpdateIncidentInput input, String status, Severity rank, String text, boolean publish,
            List<String> tenants) {
        return posts.approve(input.getPublic(), input.getId(), input.getActor(), input.dry())
                .flatMap(approved -> actions.change(FUNCTION, input, false, i -> {
            Instant now = clock.instant();
            IncidentActions.Change c = IncidentActions.Change.of();
            String newStatus = status == null || status.equals(i.status()) ? i.status() : status;
            if (!newStatus.equals(i.status())) {
                c.effect("status " + i.status() + " -> " + newStatus, (tx, audit) -> tx.status(i.id(), newStatus, now))
                        .event("status-changed", "Status " + i.status() + " -> " + newStatus,
                                Map.of("from", i.status(), "to", newStatus));
            }
            Severity newRank = rank == null ? i.rank() : rank;
            if (newRank != i.rank()) {
                String from = i.severity();
                String to = scale.label(newRank);
                c.effect("severity " + from + " -> " + to + " (" + input.getReason() + ")",
                        (tx, audit) -> tx.severity(i.id(), newRank))
                        .event("severity-changed", "Severity " + from + " -> " + to + ": " + input.getReason(),
                                Map.of("from", from, "to", to, "reason", input.getReason()));
                int levels = config.escalation().levels().size();
                if (newRank.ordinal() < i.rank().ordinal() && i.escalationLevel() < levels) {
                    int next = Math.max(1, i.escalationLevel() + 1);
                    IncidentConfig.Level level = config.escalation().levels().get(next - 1);
                    String why = "severity raised " + from + " -> " + to;
                    Map<String, String> f = messages.fields(i, now);
                    f.put("severity", to);
                    f.put("level", String.valueOf(next));
                    f.put("levelName", level.name());
                    f.put("reason", why);
                    c.effect("escalate to level " + next + " (" + level.name() + ")",
                            (tx, audit) -> tx.escalate(i.id(), i.escalationLevel(), next, now))
                            .event("escalated", "Escalated to level " + next + " (" + level.name() + "): " + why,
                                    Map.of("level", next, "reason", why))
                            .messages(messages.toLevel(next, "escalation", "[" + to + "] " + i.title() + " escalated",
                                    IncidentMessages.render(config.templates().escalation(), f),
                                    i.id() + "/escalation/" + next))
                            .messages(messages.page(i, newRank, next));
                }
            }
            c.effect("status update; next due " + due(i, newRank, newStatus, now), (tx, audit) -> tx.updated(i.id(), now))
                    .event("status-update", text == null ? "Status update: " + newStatus : text,
                            text == null ? Map.of("status", newStatus) : Map.of("status", newStatus, "text", text));
            if (publish) {
                Map<String, String> f = messages.fields(i, now);
                f.put("status", newStatus.substring(0, 1).toUpperCase() + newStatus.substring(1));
                f.put("severity", scale.label(newRank));
                f.put("text", text == null ? "status is now " + newStatus : text);
                Instant next = incidents.nextUpdateDue(newRank, newStatus, now, i.openedAt());
                f.put("nextUpdate", next == null ? "when there is news" : IncidentMessages.TIME.format(next));
                c.messages(messages.toIncidentChannel("update", IncidentMessages.render(config.templates().update(), f),
                        i.id() + "/update/" + now.toEpochMilli()));
            }
            Instant next = incidents.nextUpdateDue(newRank, newStatus, now, i.openedAt());
            c.answer().put("nextUpdateDue", next == null ? null : next.toString());
            return posts.add(c, i.id(), newRank, newStatus, input.getPublic(), false, input.getActor())
                    .flatMap(posted -> actions.withNotices(posted, i.id(), "update", tenants));
        }));
    }

    private String due(Incident i, Severity rank, String status, Instant now) {
        Instant next = incidents.nextUpdateDue(rank, status, now, i.openedAt());
        return next == null ? "never (no cadence at " + scale.label(rank) + ")" : next.toString();
    }
}
