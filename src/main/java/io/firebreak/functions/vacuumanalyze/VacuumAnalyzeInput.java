package io.firebreak.functions.vacuumanalyze;

import java.util.List;

import io.firebreak.safety.ActionInput;

/** Tables to maintain (schema.table or table in public), ANALYZE only or VACUUM ANALYZE, and the per-table timeout. */
public class VacuumAnalyzeInput extends ActionInput {

    private List<String> tables;
    private Boolean analyzeOnly;
    private Integer timeoutSeconds;

    public List<String> getTables() {
        return tables;
    }

    public void setTables(List<String> tables) {
        this.tables = tables;
    }

    public Boolean getAnalyzeOnly() {
        return analyzeOnly;
    }

    public void setAnalyzeOnly(Boolean analyzeOnly) {
        this.analyzeOnly = analyzeOnly;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }
}
