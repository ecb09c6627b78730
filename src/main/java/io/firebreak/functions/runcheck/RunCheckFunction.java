package io.firebreak.functions.runcheck;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Runs a read-only SQL check declared in functions.yaml by name, and on the checks schedule; a breach declares or attaches an incident. */
public class RunCheckFunction {

    @Inject
    RunCheckFlow flow;

    @Funq("run-check")
    public Uni<Map<String, Object>> runCheck(RunCheckInput input) {
        RunCheckInput in = input == null ? new RunCheckInput() : input;
        if (in.getName() == null || in.getName().isBlank()) {
            List<Map<String, Object>> checks = flow.checks().values().stream().map(RunCheckFlow::summary).toList();
            return Uni.createFrom().item(Map.of("checks", checks));
        }
        DeclaredCheck check = flow.checks().get(in.getName().strip());
        if (check == null) {
            throw new FunctionError(404, "unknown_check", "no check " + in.getName() + " in functions.yaml; declared: "
                    + flow.checks().keySet(), "name");
        }
        return flow.run(check, !Boolean.TRUE.equals(in.getDryRun()), "check:" + check.name()).map(answer -> {
            if ("error".equals(answer.get("status")) && Boolean.TRUE.equals(answer.get("targetUnavailable"))) {
                throw FunctionError.unavailable("target_unavailable", "check " + check.name() + " did not run: "
                        + answer.get("error"));
            }
            if ("error".equals(answer.get("status"))) {
                throw new FunctionError(409, "check_failed", "check " + check.name() + " did not run: " + answer.get("error"),
                        "name");
            }
            return answer;
        });
    }
}
