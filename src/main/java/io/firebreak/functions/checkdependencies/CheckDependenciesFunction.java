package io.firebreak.functions.checkdependencies;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.providers.vendorstatus.Dependency;

/** Reads the status of the vendors functions.yaml declares (Statuspage, incident.io, Slack, feeds, health URLs), cached; on a schedule, notes vendor trouble on open incidents once. */
@Singleton
public class CheckDependenciesFunction {

    @Inject
    CheckDependenciesFlow flow;

    @Funq("check-dependencies")
    public Uni<Map<String, Object>> checkDependencies(CheckDependenciesInput input) {
        CheckDependenciesInput in = input == null ? new CheckDependenciesInput() : input;
        boolean fresh = Boolean.TRUE.equals(in.getFresh());
        if (in.getName() == null || in.getName().isBlank()) {
            return flow.answer(flow.dependencies(), fresh);
        }
        String name = in.getName().strip();
        if (name.length() > 63 || !name.matches("[a-z0-9-]+")) {
            throw FunctionError.badInput("invalid_value", "name",
                    "name is a dependency's name from functions.yaml: lower-case letters, digits and -");
        }
        Dependency d = flow.dependencies().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(
                () -> new FunctionError(404, "unknown_dependency", "no dependency " + name + " in functions.yaml; declared: "
                        + flow.dependencies().stream().map(Dependency::name).toList(), "name"));
        return flow.answer(List.of(d), fresh);
    }
}
