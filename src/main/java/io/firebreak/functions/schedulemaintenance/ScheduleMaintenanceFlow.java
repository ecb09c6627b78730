package io.firebreak.functions.schedulemaintenance;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.PublicPosts;
import io.firebreak.platform.FunctionError;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;

/**
 * A maintenance window as the page shows it: recorded once (its id is derived from what it says,
 * so a repeat is the same window), with its audit record in the same transaction; the page marks
 * the components under maintenance while the clock is inside the window. Cancelling appends.
 */
@ApplicationScoped
public class ScheduleMaintenanceFlow {

    static final String FUNCTION = "schedule-maintenance";

    static final Pattern ID = Pattern.compile("MNT-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9a-f]{6}");

    static final String INSERT = """
            INSERT INTO maintenances (id, title, body, components, starts_at, ends_at, created_at, created_by, audit_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO NOTHING""";

    static final String FIND = """
            SELECT m.id, m.starts_at, m.ends_at, c.cancelled_at FROM maintenances m
            LEFT JOIN maintenance_cancellations c ON c.maintenance_id = m.id WHERE m.id = $1""";

    static final String CANCEL = """
            INSERT INTO maintenance_cancellations (maintenance_id, cancelled_at, cancelled_by, reason, audit_id)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT (maintenance_id) DO NOTHING""";

    @Inject
    IncidentStore incidents;

    @Inject
    IncidentActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    PublicPosts posts;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    Uni<JsonNode> schedule(ScheduleMaintenanceInput input, String title, String text, List<String> components,
            Instant starts, Instant ends) {
        String id = "MNT-" + LocalDate.ofInstant(starts, ZoneOffset.UTC) + "-" + PlannedActions.sha256(title + "\u001f" + text
                + "\u001f" + String.join(",", components) + "\u001f" + starts + "\u001f" + ends).substring(0, 6);
        ObjectNode window = mapper.createObjectNode();
        window.put("maintenanceId", id).put("title", title).put("text", text).put("startsAt", starts.toString())
                .put("endsAt", ends.toString());
        window.set("components", mapper.valueToTree(components));
        String effect = "schedule maintenance " + id + " of " + components + " from " + starts + " to " + ends;
        if (input.dry()) {
            ObjectNode answer = mapper.createObjectNode().put("dryRun", true);
            answer.putArray("wouldRecord").add(effect);
            answer.set("maintenance", window);
            return Uni.createFrom().item(answer);
        }
        return actions.once(FUNCTION, input, () -> incidents.transaction(tx -> {
            Instant now = clock.instant();
            String reason = input.getReason() != null ? input.getReason() : effect;
            Map<String, Object> plan = new LinkedHashMap<>();
            plan.put("effects", List.of(effect));
            plan.put("maintenance", window);
            // Two identical requests at once: the second waits here and finds the first's window.
            return tx.serialize("firebreak.maintenances." + id)
                    .flatMap(locked -> tx.connection().preparedQuery(FIND).execute(Tuple.of(id))).flatMap(found -> {
                if (found.size() > 0) {
                    if (found.iterator().next().getOffsetDateTime("cancelled_at") != null) {
                        throw new FunctionError(409, "maintenance_cancelled", id + " was cancelled: schedule it again "
                                + "with another window or text", null);
                    }
                    ObjectNode answer = window.deepCopy().put("created", false)
                            .put("note", "this maintenance is scheduled already: nothing new was recorded");
                    return Uni.createFrom().item((JsonNode) answer);
                }
                return audit.record(tx.connection(), new AuditTrail.Entry(input.getActor(), FUNCTION, "apply", reason,
                        actions.audited(input), plan, 1, List.of(id), "recorded", null))
                        .flatMap(auditId -> tx.connection().preparedQuery(INSERT).execute(Tuple.from(new Object[] {id, title,
                            text, components.toArray(String[]::new), IncidentStore.utc(starts), IncidentStore.utc(ends),
                            IncidentStore.utc(now), input.getActor().display(), auditId}))
                                .map(r -> (JsonNode) window.deepCopy().put("created", true).put("auditId", auditId)));
            });
        })).call(answer -> posts.changed(FUNCTION));
    }

    Uni<JsonNode> cancel(ScheduleMaintenanceInput input, String id, String reason) {
        return incidents.transaction(tx -> tx.serialize("firebreak.maintenances." + id)
                .flatMap(locked -> tx.connection().preparedQuery(FIND).execute(Tuple.of(id))).flatMap(found -> {
            if (found.size() == 0) {
                throw new FunctionError(404, "maintenance_not_found", "no maintenance " + id, "cancel");
            }
            var row = found.iterator().next();
            ObjectNode answer = mapper.createObjectNode().put("maintenanceId", id);
            if (row.getOffsetDateTime("cancelled_at") != null) {
                return Uni.createFrom().item((JsonNode) answer.put("cancelled", false).put("note", "cancelled already"));
            }
            if (!row.getOffsetDateTime("ends_at").toInstant().isAfter(clock.instant())) {
                throw new FunctionError(409, "maintenance_over", id + " is over already: nothing to cancel", "cancel");
            }
            String effect = "cancel maintenance " + id;
            if (input.dry()) {
                answer.put("dryRun", true).putArray("wouldRecord").add(effect);
                return Uni.createFrom().item((JsonNode) answer);
            }
            return audit.record(tx.connection(), new AuditTrail.Entry(input.getActor(), FUNCTION, "apply", reason,
                    actions.audited(input), Map.of("effects", List.of(effect)), 1, List.of(id), "recorded", null))
                    .flatMap(auditId -> tx.connection().preparedQuery(CANCEL).execute(Tuple.from(new Object[] {id,
                        IncidentStore.utc(clock.instant()), input.getActor().display(), reason, auditId}))
                            .map(r -> (JsonNode) answer.put("cancelled", true).put("auditId", auditId)));
        })).call(answer -> answer.path("cancelled").asBoolean() ? posts.changed(FUNCTION) : Uni.createFrom().voidItem());
    }
}
