package io.firebreak.functions.clearretryqueue;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Reports ERP dead letters; deactivates an integration and dismisses its retry queue, planned and audited. */
@Singleton
public class ClearRetryQueueFunction {

    @Inject
    ClearRetryQueueFlow flow;

    @Funq("clear-retry-queue")
    public Uni<JsonNode> clearRetryQueue(ClearRetryQueueInput input) {
        ClearRetryQueueInput in = input == null ? new ClearRetryQueueInput() : input;
        if (in.paging()) {
            return flow.page(in);
        }
        if (in.getIntegrationId() == null) {
            if (in.applying()) {
                throw FunctionError.badInput("missing_field", "integrationId", "apply needs an integrationId");
            }
            return flow.report();
        }
        UUID integration;
        try {
            integration = UUID.fromString(in.getIntegrationId());
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "integrationId", "integrationId must be a UUID");
        }
        return in.applying() ? flow.apply(integration, in) : flow.plan(integration, in);
    }
}
