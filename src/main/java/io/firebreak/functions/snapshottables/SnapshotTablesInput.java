package io.firebreak.functions.snapshottables;

import java.util.List;

import io.firebreak.platform.ActorInput;

/** Which target tables to copy into the ops database, why, and the incident it is evidence for. */
public class SnapshotTablesInput extends ActorInput {

    private List<String> tables;
    private Boolean apply;
    private String reason;
    private String incidentId;

    public List<String> getTables() {
        return tables;
    }

    public void setTables(List<String> tables) {
        this.tables = tables;
    }

    public Boolean getApply() {
        return apply;
    }

    public void setApply(Boolean apply) {
        this.apply = apply;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getIncidentId() {
        return incidentId;
    }

    public void setIncidentId(String incidentId) {
        this.incidentId = incidentId;
    }
}
