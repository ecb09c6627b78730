package io.firebreak.functions.notifytenant;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentIds;
import io.firebreak.platform.FunctionError;

/** Tells a tenant's admins about an incident over WhatsApp and email, once per phase, through an outbox. */
@Singleton
public class NotifyTenantFunction {

    static final Set<String> PHASES = Set.of("investigating", "update", "resolved");
    static final Set<String> CHANNELS = Set.of("whatsapp", "email");

    @Inject
    NotifyTenantFlow flow;

    @Funq("notify-tenant")
    public Uni<JsonNode> notifyTenant(NotifyTenantInput input) {
        if (input == null) {
            throw FunctionError.badInput("missing_field", "tenantId", "tenantId, incidentId and phase are required");
        }
        UUID tenant;
        try {
            tenant = UUID.fromString(String.valueOf(input.getTenantId()));
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "tenantId", "tenantId must be a UUID");
        }
        if (input.getIncidentId() == null || !IncidentIds.ID.matcher(input.getIncidentId()).matches()) {
            throw FunctionError.badInput("invalid_value", "incidentId", "incidentId must look like INC-YYYY-MM-DD-NNN");
        }
        if (input.getPhase() == null || !PHASES.contains(input.getPhase())) {
            throw FunctionError.badInput("invalid_value", "phase", "phase must be one of " + PHASES);
        }
        List<String> channels = input.getChannels() == null ? List.of("whatsapp", "email") : input.getChannels();
        if (channels.isEmpty() || !CHANNELS.containsAll(channels)) {
            throw FunctionError.badInput("invalid_value", "channels", "channels must be a non-empty subset of " + CHANNELS);
        }
        if (input.getFeature() != null && (input.getFeature().isBlank() || input.getFeature().length() > 80)) {
            throw FunctionError.badInput("invalid_value", "feature", "feature is 1 to 80 characters");
        }
        return input.applying() ? flow.apply(tenant, channels, input) : flow.plan(tenant, channels, input);
    }
}
