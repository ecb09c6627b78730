package io.firebreak.functions.resolveincident;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.firebreak.incident.IncidentInput;
import io.firebreak.incident.PublicPart;

/** resolve-incident's input: what fixed it, and, to override unmet criteria, force with a reason. */
public class ResolveIncidentInput extends IncidentInput {

    private String resolution;
    private Boolean force;
    private List<String> notifyTenants;
    private PublicPart publicPart;

    public String getResolution() {
        return resolution;
    }

    public void setResolution(String resolution) {
        this.resolution = resolution;
    }

    public Boolean getForce() {
        return force;
    }

    public void setForce(Boolean force) {
        this.force = force;
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
