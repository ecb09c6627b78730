package io.firebreak.functions.declareincident;

import java.util.List;

import io.firebreak.incident.IncidentInput;

/** declare-incident's input: title, severity in the configured scale, impact, and optionally the commander and affected tenants. */
public class DeclareIncidentInput extends IncidentInput {

    private String title;
    private String severity;
    private String impact;
    private String commander;
    private List<String> tenants;

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getSeverity() {
        return severity;
    }

    public void setSeverity(String severity) {
        this.severity = severity;
    }

    public String getImpact() {
        return impact;
    }

    public void setImpact(String impact) {
        this.impact = impact;
    }

    public String getCommander() {
        return commander;
    }

    public void setCommander(String commander) {
        this.commander = commander;
    }

    public List<String> getTenants() {
        return tenants;
    }

    public void setTenants(List<String> tenants) {
        this.tenants = tenants;
    }
}
