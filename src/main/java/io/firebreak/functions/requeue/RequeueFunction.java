package io.firebreak.functions.requeue;

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

/** Moves rows of a queue-like table declared in functions.yaml back to be retried, with column resets, planned, bounded, audited and undoable. */
@Singleton
public class RequeueFunction {

    @Inject
    RequeueFlow flow;

    @Inject
    ObjectMapper mapper;

    @Inject
    io.firebreak.safety.PlannedActions actions;

    @Funq("requeue")
    public Uni<JsonNode> requeue(RequeueInput input) {
        RequeueInput in = input == null ? new RequeueInput() : input;
        if (in.paging()) {
            return actions.page("requeue", in);
        }
        if (in.getName() == null || in.getName().isBlank()) {
            if (in.applying()) {
                throw FunctionError.badInput("missing_field", "name", "apply needs the name of a declared requeue");
            }
            List<Map<String, Object>> list = flow.declared().values().stream().map(RequeueFunction::summary).toList();
            JsonNode answer = mapper.valueToTree(Map.of("requeues", list));
            return Uni.createFrom().item(answer);
        }
        DeclaredRequeue r = flow.declared().get(in.getName().strip());
        if (r == null) {
            throw new FunctionError(404, "unknown_requeue", "no requeue " + in.getName() + " in functions.yaml; declared: "
                    + flow.declared().keySet(), "name");
        }
        List<String> ids = in.getIds() == null ? List.of() : in.getIds();
        if (ids.size() > r.maxRows() || ids.stream().anyMatch(i -> i == null || i.isBlank() || i.length() > 100)) {
            throw FunctionError.badInput("invalid_value", "ids", "ids are at most " + r.maxRows() + " non-empty row ids");
        }
        List<String> distinct = ids.stream().map(String::strip).distinct().toList();
        return in.applying() ? flow.apply(r, distinct, in) : flow.plan(r, distinct, in);
    }

    static Map<String, Object> summary(DeclaredRequeue r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("description", r.description());
        m.put("table", r.qualifiedTable());
        m.put("status", r.statusColumn() + ": " + r.from() + " -> " + r.to());
        m.put("reset", r.reset());
        m.put("maxRows", r.maxRows());
        return m;
    }
}
