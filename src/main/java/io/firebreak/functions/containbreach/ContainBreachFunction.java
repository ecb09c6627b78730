package io.firebreak.functions.containbreach;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Contains a suspected breach, evidence first, then keys, sessions and ERP access, and a P0 incident. */
@Singleton
public class ContainBreachFunction {

    @Inject
    ContainBreachFlow flow;

    @Funq("contain-breach")
    public Uni<JsonNode> containBreach(ContainBreachInput input) {
        if (input == null || input.getScope() == null || !List.of("project", "tenant").contains(input.getScope())) {
            throw FunctionError.badInput("invalid_value", "scope", "scope must be project or tenant");
        }
        UUID tenant = null;
        if (input.getScope().equals("tenant")) {
            try {
                tenant = UUID.fromString(String.valueOf(input.getTenantId()));
            } catch (IllegalArgumentException e) {
                throw FunctionError.badInput("invalid_value", "tenantId", "a tenant scope needs the tenantId (a UUID)");
            }
        } else if (input.getTenantId() != null) {
            throw FunctionError.badInput("invalid_value", "tenantId", "a project scope takes no tenantId");
        }
        List<String> steps = ContainBreachFlow.steps(input.getScope(), input.getSteps());
        return input.applying() ? flow.apply(tenant, steps, input) : flow.plan(tenant, steps, input);
    }
}
