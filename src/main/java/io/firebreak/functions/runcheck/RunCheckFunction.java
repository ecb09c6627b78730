package io.firebreak.functions.runcheck;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Runs a read-only check declared in functions.yaml by name (SQL on the target, or a vendor account's HTTP API), and on the checks schedule; a breach declares or attaches an incident. */
@Singleton
public class RunCheckFunction {

    @Inject
    RunCheckFlow flow;

    @Funq("run-check")
    public Uni<Map<String, Object>> runCheck(RunCheckInput input) {
        RunCheckInput in = input == null ? new RunCheckInput() : input;
        if (in.getName() == null || in.getName().isBlank()) {
            List<Map<String, Object>> checks = new java.util.ArrayList<>(
                    flow.checks().values().stream().map(RunCheckFlow::summary).toList());
            flow.httpChecks().values().stream().map(RunCheckFlow::summary).forEach(checks::add);
            return Uni.createFrom().item(Map.of("checks", checks));
        }
        String name = in.getName().strip();
        HttpCheck http = flow.httpChecks().get(name);
        if (http != null) {
            return runHttp(http, !Boolean.TRUE.equals(in.getDryRun()));
        }
        DeclaredCheck check = flow.checks().get(name);
        if (check == null) {
            java.util.Set<String> declared = new java.util.LinkedHashSet<>(flow.checks().keySet());
            declared.addAll(flow.httpChecks().keySet());
            throw new FunctionError(404, "unknown_check", "no check " + in.getName() + " in functions.yaml; declared: "
                    + declared, "name");
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

    private Uni<Map<String, Object>> runHttp(HttpCheck check, boolean declare) {
        return flow.run(check, declare, "check:" + check.name()).map(answer -> {
            if ("error".equals(answer.get("status")) && Boolean.TRUE.equals(answer.get("unavailable"))) {
                throw FunctionError.unavailable("provider_unavailable", "check " + check.name() + " did not run: "
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
