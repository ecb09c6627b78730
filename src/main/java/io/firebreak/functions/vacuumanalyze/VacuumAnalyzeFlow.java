package io.firebreak.functions.vacuumanalyze;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;
import io.firebreak.safety.ActionInput;
import io.firebreak.safety.PlannedActions;
import io.firebreak.safety.Undoable;

/**
 * Plans the maintenance statements for catalog-confirmed tables with their dead and live tuples,
 * then runs them one at a time, each under its timeout, and audits what each did and took.
 */
@ApplicationScoped
public class VacuumAnalyzeFlow implements Undoable.Irreversible {

    /** The applied answer: how many tables were done, and each table's result in order. */
    @RegisterForReflection
    public record Maintained(boolean applied, String planId, long auditId, int tablesDone, JsonNode results) {
    }


    public static final String FUNCTION = "vacuum-analyze";

    @Override
    public String function() {
        return FUNCTION;
    }

    @Override
    public String why() {
        return "VACUUM and ANALYZE change no data: there is nothing to undo";
    }

    @Inject
    TableMaintenance maintenance;

    @Inject
    PlannedActions actions;

    @Inject
    ObjectMapper mapper;

    /** A table as the caller named it, split into schema and name. */
    public record Name(String schema, String table) {
        @Override
        public String toString() {
            return schema + "." + table;
        }
    }

    public record Request(List<Name> tables, boolean analyzeOnly, Duration timeout) {
        String scope() {
            return (analyzeOnly ? "analyze:" : "vacuum-analyze:") + tables.stream().map(Name::toString)
                    .collect(Collectors.joining(","));
        }
    }

    public Uni<JsonNode> plan(Request request, ActionInput input) {
        return proposal(request).flatMap(p -> actions.plan(FUNCTION, input.getActor(), p));
    }

    public Uni<JsonNode> apply(Request request, ActionInput input) {
        return actions.apply(FUNCTION, request.scope(), input, proposal(request), plan -> {
            JsonNode changes = plan.content();
            Map<String, Object> in = Map.of("scope", request.scope(), "planId", input.getPlanId());
            return actions.audited(FUNCTION, input, in, changes,
                    apply -> runAll(apply, changes.path("tables"), 0, request.timeout(), mapper.createArrayNode()).map(results -> {
                        int done = 0;
                        for (JsonNode r : results) {
                            done += r.path("ok").asBoolean() ? 1 : 0;
                        }
                        String outcome = done == results.size() ? "applied" : "partial: " + done + " of " + results.size();
                        return new PlannedActions.Done<>(results, done, outcome);
                    }))
                    .map(done -> (JsonNode) mapper.valueToTree(new Maintained(true, plan.id().toString(), done.auditId(),
                            done.rows(), done.result())));
        });
    }

    /** One table after another: a failed or timed-out table is reported and the next one still runs. */
    private Uni<ArrayNode> runAll(io.firebreak.safety.Applying apply, JsonNode tables, int index, Duration timeout,
            ArrayNode results) {
        if (index >= tables.size()) {
            return Uni.createFrom().item(results);
        }
        JsonNode t = tables.get(index);
        String statement = t.path("statement").asText();
        ObjectNode result = results.addObject();
        result.put("table", t.path("table").asText());
        result.put("statement", statement);
        return maintenance.run(apply, t.path("table").asText(), statement, timeout)
                .invoke(took -> result.put("ok", true).put("tookMs", took.toMillis()))
                .onFailure().recoverWithItem(e -> {
                    result.put("ok", false).put("error", LogText.firstLine(e.getMessage()));
                    return null;
                })
                .flatMap(ignored -> maintenance.find(t.path("schema").asText(), t.path("name").asText()))
                .invoke(after -> after.ifPresent(a -> result.put("deadTuplesAfter", a.deadTuples())
                        .put("lastVacuum", String.valueOf(a.lastVacuum())).put("lastAnalyze", String.valueOf(a.lastAnalyze()))))
                .flatMap(ignored -> runAll(apply, tables, index + 1, timeout, results));
    }

    /** The dry run now: each named table found in the catalog, with the statement that would run. */
    Uni<PlannedActions.Proposal> proposal(Request request) {
        Uni<List<TableMaintenance.Table>> found = Uni.createFrom().item(new ArrayList<>());
        for (Name name : request.tables()) {
            found = found.flatMap(list -> maintenance.find(name.schema(), name.table()).map(t -> {
                list.add(t.orElseThrow(() -> new FunctionError(404, "unknown_table",
                        "no table " + name + " on the target (schema.table, as the catalog spells it)", "tables")));
                return list;
            }));
        }
        return found.map(list -> {
            ObjectNode changes = mapper.createObjectNode();
            changes.put("mode", request.analyzeOnly() ? "analyze" : "vacuum-analyze");
            changes.put("timeoutSeconds", request.timeout().toSeconds());
            ArrayNode tables = changes.putArray("tables");
            for (TableMaintenance.Table t : list) {
                ObjectNode n = mapper.valueToTree(t);
                n.put("table", t.schema() + "." + t.name());
                n.put("statement", TableMaintenance.statement(t, request.analyzeOnly()));
                tables.add(n);
            }
            String digest = PlannedActions.sha256(request.scope() + ";" + list.stream().map(t -> String.valueOf(t.oid()))
                    .collect(Collectors.joining(",")));
            return new PlannedActions.Proposal(request.scope(), digest, list.size(), changes);
        });
    }
}
