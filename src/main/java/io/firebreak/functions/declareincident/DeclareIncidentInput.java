package io.firebreak.functions.declareincident;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.firebreak.incident.IncidentInput;
import io.firebreak.incident.PublicPart;

/** declare-incident's input: title, severity in the configured scale, impact, and optionally the commander and affected tenants. */
public class DeclareIncidentInput extends IncidentInput {

    private String title;
    private String severity;
    private String impact;
    private String commander;
    private List<String> tenants;
    private PublicPart publicPart;

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

    /** What the status page publishes with this change (nothing internal is ever published implicitly). */
    @JsonProperty("public")
    public PublicPart getPublic() {
        return publicPart;
    }

    @JsonProperty("public")
    public void setPublic(PublicPart publicPart) {
        this.publicPart = publicPart;
    }
}
