package io.firebreak.functions.railwayvariable;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Sets or unsets a Railway service variable from the declared allow-list (MAINTENANCE_MODE, USE_FALLBACK, feature flags, LOG_LEVEL), old to new in the plan, undoable. */
@Singleton
public class RailwayVariableFunction {

    @Inject
    RailwayVariableFlow flow;

    @Funq("railway-variable")
    public Uni<JsonNode> railwayVariable(RailwayVariableInput input) {
        RailwayVariableInput in = input == null ? new RailwayVariableInput() : input;
        RailwayVariableFlow.Request request = flow.request(flow.declared(), in);
        return in.applying() ? flow.apply(flow.declared(), request, in) : flow.plan(flow.declared(), request, in);
    }
}
