package io.firebreak.functions.runfix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Runs a data fix declared in functions.yaml by name: every row before and after in the dry run, applied in batches, approved where its policy says, audited and undoable. */
@Singleton
public class RunFixFunction {

    @Inject
    RunFixFlow flow;

    @Inject
    ObjectMapper mapper;

    @Inject
    io.firebreak.safety.PlannedActions actions;

    @Funq("run-fix")
    public Uni<JsonNode> runFix(RunFixInput input) {
        RunFixInput in = input == null ? new RunFixInput() : input;
        if (in.paging()) {
            return actions.page("run-fix", in);
        }
        if (in.getName() == null || in.getName().isBlank()) {
            if (in.applying()) {
                throw FunctionError.badInput("missing_field", "name", "apply needs the name of a declared fix");
            }
            List<Map<String, Object>> list = flow.declared().values().stream().map(RunFixFunction::summary).toList();
            return Uni.createFrom().item((JsonNode) mapper.valueToTree(Map.of("fixes", list)));
        }
        DeclaredFix f = flow.declared().get(in.getName().strip());
        if (f == null) {
            throw new FunctionError(404, "unknown_fix", "no fix " + in.getName() + " in functions.yaml; declared: "
                    + flow.declared().keySet(), "name");
        }
        Map<String, String> params = RunFixFlow.params(f, in.getParams());
        return in.applying() ? flow.apply(f, params, in) : flow.plan(f, params, in);
    }

    static Map<String, Object> summary(DeclaredFix f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("description", f.description());
        m.put("table", f.qualifiedTable());
        m.put("parameters", f.parameters());
        m.put("delete", f.delete());
        m.put("set", f.set().keySet());
        m.put("maxRows", f.maxRows());
        m.put("approval", f.approval().orElse(null));
        return m;
    }
}
