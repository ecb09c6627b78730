package io.firebreak.functions.updateincident;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.firebreak.incident.IncidentInput;
import io.firebreak.incident.PublicPart;

/** update-incident's input: a status, a severity change (with its reason), the update text, and where to publish it. */
public class UpdateIncidentInput extends IncidentInput {

    private String status;
    private String severity;
    private String text;
    private Boolean publish;
    private List<String> notifyTenants;
    private PublicPart publicPart;

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getSeverity() {
        return severity;
    }

    public void setSeverity(String severity) {
        this.severity = severity;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public Boolean getPublish() {
        return publish;
    }

    public void setPublish(Boolean publish) {
        this.publish = publish;
    }

    public List<String> getNotifyTenants() {
        return notifyTenants;
    }

    public void setNotifyTenants(List<String> notifyTenants) {
        this.notifyTenants = notifyTenants;
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
