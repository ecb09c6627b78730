package io.firebreak.functions.notifytenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.StatusComponents;
import io.firebreak.incident.TenantNotices;
import io.firebreak.platform.FunctionError;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.PlannedActions;

/**
 * Seed 000 Step 3 "Communicate": the dry run renders every message for every admin of the tenant;
 * the apply queues them in the outbox in the same transaction as its audit record and the
 * incident's timeline entry, then delivery is attempted at once and retried by the outbox job.
 */
@ApplicationScoped
public class NotifyTenantFlow implements TenantNotices {

    static final String FUNCTION = "notify-tenant";

    @Inject
    TenantAdmins tenants;

    @Inject
    IncidentStore incidents;

    @Inject
    Notifications outbox;

    @Inject
    NotificationOutbox delivery;

    @Inject
    PlannedActions actions;

    @Inject
    AuditTrail audit;

    @Inject
    NotifyConfig config;

    @Inject
    StatusComponents status;

    @Inject
    ObjectMapper mapper;

    @Inject
    java.time.Clock clock;

    public Uni<JsonNode> plan(UUID tenant, List<String> channels, NotifyTenantInput input) {
        return proposal(tenant, channels, input).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    @Override
    public Uni<PlannedActions.Proposal> notice(UUID tenant, String incidentId, String phase, List<String> channels) {
        return proposal(tenant, channels, incidentId, phase, null);
    }

    @Override
    public Uni<List<Long>> queueNotice(SqlConnection tx, long auditId, String incidentId, UUID tenant, String phase,
            JsonNode content) {
        return outbox.queue(tx, incidentId, tenant, phase, messages(content), auditId);
    }

    static List<Notifications.Message> messages(JsonNode content) {
        List<Notifications.Message> messages = new ArrayList<>();
        content.path("messages").forEach(m -> messages.add(new Notifications.Message(m.path("channel").asText(),
                m.path("recipient").asText(), m.path("subject").asText(null), m.path("text").asText())));
        return messages;
    }

    public Uni<JsonNode> apply(UUID tenant, List<String> channels, NotifyTenantInput input) {
        String scope = scope(tenant, input);
        return actions.apply(FUNCTION, scope, input, proposal(tenant, channels, input), plan -> {
            List<Notifications.Message> messages = messages(plan.content());
            AuditTrail.Entry entry = new AuditTrail.Entry(input.getActor(), FUNCTION, "apply", input.getReason(),
                    Map.of("tenantId", tenant.toString(), "incidentId", input.getIncidentId(), "phase", input.getPhase(),
                            "channels", channels, "planId", input.getPlanId()),
                    plan.content(), messages.size(), List.of(), "queued", null);
            return incidents.transaction(tx -> audit.record(tx.connection(), entry)
                    .flatMap(auditId -> outbox.queue(tx.connection(), input.getIncidentId(), tenant, input.getPhase(),
                            messages, auditId)
                            .flatMap(ids -> tx.addEvent(input.getIncidentId(), clock.instant(), "notification-queued",
                                    "function:" + FUNCTION, "Tenant " + plan.content().path("tenant").asText() + " ("
                                            + input.getPhase() + "): " + messages.size() + " messages queued",
                                    Map.of("auditId", auditId, "notificationIds", ids, "tenantId", tenant.toString()))
                                    .map(v -> Map.entry(auditId, ids)))))
                    .onFailure(e -> String.valueOf(e.getMessage()).contains("notifications_incident_id_tenant_id_phase"))
                    .transform(e -> new FunctionError(409, "already_notified",
                            "this tenant was already notified of " + input.getIncidentId() + " (" + input.getPhase() + ")",
                            "phase"))
                    // Delivery now is a courtesy: the messages are committed, and the outbox job delivers them anyway.
                    .flatMap(queued -> delivery.deliver().onFailure().recoverWithItem(List.of()).map(report -> {
                        ObjectNode answer = mapper.createObjectNode();
                        answer.put("applied", true);
                        answer.put("auditId", queued.getKey());
                        answer.set("notificationIds", mapper.valueToTree(queued.getValue()));
                        answer.set("delivery", mapper.valueToTree(report));
                        return (JsonNode) answer;
                    }));
        });
    }

    static String scope(UUID tenant, NotifyTenantInput input) {
        return tenant + "/" + input.getIncidentId() + "/" + input.getPhase();
    }

    Uni<PlannedActions.Proposal> proposal(UUID tenant, List<String> channels, NotifyTenantInput input) {
        return proposal(tenant, channels, input.getIncidentId(), input.getPhase(), input.getFeature());
    }

    Uni<PlannedActions.Proposal> proposal(UUID tenant, List<String> channels, String incidentId, String phaseName,
            String featureName) {
        return incidents.find(incidentId).flatMap(incident -> {
            if (incident.isEmpty()) {
                throw new FunctionError(404, "incident_not_found", "no incident " + incidentId, "incidentId");
            }
            return tenants.tenantName(tenant);
        }).flatMap(name -> {
            if (name == null) {
                throw new FunctionError(404, "unknown_tenant", "no tenant " + tenant, "tenantId");
            }
            return outbox.already(incidentId, tenant, phaseName).flatMap(earlier -> {
                if (!earlier.isEmpty()) {
                    throw new FunctionError(409, "already_notified", "tenant " + name + " was already notified of "
                            + incidentId + " (" + phaseName + "): " + earlier.size() + " messages",
                            "phase");
                }
                return tenants.admins(tenant).map(admins -> render(name, tenant, channels, incidentId, phaseName,
                        featureName, admins));
            });
        });
    }

    PlannedActions.Proposal render(String tenantName, UUID tenant, List<String> channels, String incidentId,
            String phaseName, String featureName, List<TenantAdmins.Admin> admins) {
        NotifyConfig.Phase phase = switch (phaseName) {
            case "investigating" -> config.investigating();
            case "update" -> config.update();
            default -> config.resolved();
        };
        String feature = featureName == null ? config.feature() : featureName;
        String subject = fill(phase.subject(), feature, incidentId, status.link());
        String text = fill(phase.text(), feature, incidentId, status.link());
        ObjectNode changes = mapper.createObjectNode();
        changes.put("tenant", tenantName);
        changes.put("incidentId", incidentId);
        changes.put("phase", phaseName);
        var messages = changes.putArray("messages");
        var skipped = changes.putArray("skipped");
        for (TenantAdmins.Admin admin : admins) {
            for (String channel : channels) {
                String to = channel.equals("email") ? admin.email() : admin.phone();
                if (to == null || to.isBlank()) {
                    skipped.addObject().put("admin", admin.name()).put("channel", channel).put("why", "no " + channel + " contact");
                    continue;
                }
                ObjectNode m = messages.addObject();
                m.put("channel", channel);
                m.put("recipient", to);
                m.put("admin", admin.name());
                if (channel.equals("email")) {
                    m.put("subject", subject);
                } else {
                    m.put("template", phase.whatsappTemplate());
                }
                m.put("text", text);
            }
        }
        if (messages.isEmpty()) {
            throw new FunctionError(409, "no_recipients", "tenant " + tenantName + " has no admin reachable over "
                    + channels, "channels");
        }
        String scope = tenant + "/" + incidentId + "/" + phaseName;
        String digest = PlannedActions.sha256(scope + "|" + messages.toString());
        return new PlannedActions.Proposal(scope, digest, messages.size(), changes);
    }

    /** The templates' placeholders: {feature}, {incidentId}, and {statusPage}, the public status page's address. */
    static String fill(String template, String feature, String incidentId, String statusPage) {
        return template.replace("{feature}", feature).replace("{incidentId}", incidentId).replace("{statusPage}", statusPage);
    }

}
