package io.firebreak.functions.vacuumanalyze;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.FunctionError;

/** Runs VACUUM ANALYZE or ANALYZE on named bloated tables of the target, one at a time with a timeout, planned and audited. */
@Singleton
public class VacuumAnalyzeFunction {

    static final int MAX_TABLES = 10;
    static final int BUDGET_SECONDS = 840;

    @Inject
    VacuumAnalyzeFlow flow;

    @Funq("vacuum-analyze")
    public Uni<JsonNode> vacuumAnalyze(VacuumAnalyzeInput input) {
        VacuumAnalyzeInput in = input == null ? new VacuumAnalyzeInput() : input;
        if (in.getTables() == null || in.getTables().isEmpty()) {
            throw FunctionError.badInput("missing_field", "tables", "name the tables, e.g. [\"public.lots\"]");
        }
        if (in.getTables().size() > MAX_TABLES) {
            throw FunctionError.badInput("invalid_value", "tables", "at most " + MAX_TABLES + " tables per call");
        }
        List<VacuumAnalyzeFlow.Name> names = new ArrayList<>();
        for (String t : in.getTables()) {
            Identifiers.Table table = Identifiers.Table.parse(t).orElseThrow(() -> FunctionError.badInput("invalid_value",
                    "tables", "a table is schema.table or table (letters, digits, _)"));
            VacuumAnalyzeFlow.Name name = new VacuumAnalyzeFlow.Name(table.schema(), table.name());
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        int timeout = in.getTimeoutSeconds() == null ? 60 : in.getTimeoutSeconds();
        if (timeout < 1 || timeout > 600) {
            throw FunctionError.badInput("invalid_value", "timeoutSeconds", "timeoutSeconds is 1 to 600 per table");
        }
        if ((long) timeout * names.size() > BUDGET_SECONDS) {
            throw FunctionError.badInput("invalid_value", "timeoutSeconds", "tables x timeoutSeconds is at most "
                    + BUDGET_SECONDS + " s (the deployed function stops at 900 s): split the call");
        }
        var request = new VacuumAnalyzeFlow.Request(List.copyOf(names), Boolean.TRUE.equals(in.getAnalyzeOnly()),
                Duration.ofSeconds(timeout));
        return in.applying() ? flow.apply(request, in) : flow.plan(request, in);
    }
}
