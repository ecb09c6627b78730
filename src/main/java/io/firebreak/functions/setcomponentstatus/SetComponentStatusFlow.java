package io.firebreak.functions.setcomponentstatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
import io.firebreak.safety.AuditTrail;

/**
 * An explicit component state, appended with its audit record in one transaction (the newest row
 * per component wins; clearing appends a row without a state). Setting what is already set records
 * nothing, so a retry is harmless.
 */
@ApplicationScoped
public class SetComponentStatusFlow {

    static final String FUNCTION = "set-component-status";

    static final String CURRENT = """
            SELECT status, expires_at FROM component_overrides WHERE component = $1 AND (expires_at IS NULL OR expires_at > $2)
            ORDER BY id DESC LIMIT 1""";

    static final String INSERT = """
            INSERT INTO component_overrides (component, status, set_at, expires_at, set_by, reason, audit_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";

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

    Uni<JsonNode> set(SetComponentStatusInput input, String component, String status, String reason) {
        Instant now = clock.instant();
        Instant expires = input.getForMinutes() == null ? null : now.plus(Duration.ofMinutes(input.getForMinutes()));
        String effect = status == null ? "clear the override of " + component + " (back to its derived state)"
                : "set " + component + " to " + status + (expires == null ? " until cleared" : " until " + expires);
        // Two overrides of one component queue up: the newest row is read under this lock (rows are never updated).
        java.util.function.Supplier<Uni<JsonNode>> work = () -> incidents.transaction(tx -> tx.serialize(
                "firebreak.component_overrides." + component).flatMap(locked -> tx.connection().preparedQuery(CURRENT)
                        .execute(Tuple.of(component, IncidentStore.utc(now)))).flatMap(rows -> {
                            String current = null;
                            for (var r : rows) {
                                current = r.getString("status");
                            }
                            ObjectNode answer = mapper.createObjectNode().put("component", component);
                            answer.put("override", current);
                            if (java.util.Objects.equals(current, status) && expires == null) {
                                return Uni.createFrom().item((JsonNode) answer.put("changed", false)
                                        .put("note", status == null ? "no override is set" : "already set"));
                            }
                            if (input.dry()) {
                                answer.put("dryRun", true).putArray("wouldRecord").add(effect);
                                return Uni.createFrom().item((JsonNode) answer);
                            }
                            return audit.record(tx.connection(), new AuditTrail.Entry(input.getActor(), FUNCTION, "apply",
                                    reason, actions.audited(input), Map.of("effects", List.of(effect), "from", String.valueOf(current)), 1,
                                    List.of(component), "recorded", null))
                                    .flatMap(auditId -> tx.connection().preparedQuery(INSERT).execute(Tuple.from(new Object[] {
                                        component, status, IncidentStore.utc(now),
                                        expires == null ? null : IncidentStore.utc(expires), input.getActor().display(),
                                        reason, auditId}))
                                            .map(r -> (JsonNode) answer.put("changed", true).put("status", status)
                                                    .put("expiresAt", expires == null ? null : expires.toString())
                                                    .put("auditId", auditId)));
                        }));
        return (input.dry() ? work.get() : actions.once(FUNCTION, input, work))
                .call(answer -> answer.path("changed").asBoolean() ? posts.changed(FUNCTION) : Uni.createFrom().voidItem());
    }
}
