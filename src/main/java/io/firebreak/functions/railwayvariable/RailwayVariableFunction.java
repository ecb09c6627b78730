package io.firebreak.functions.railwayvariable;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Seed 004's "railway variables set NAME=value": a declared switch set or unset on a Railway service, planned, audited, undoable. */
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
