package io.firebreak.functions.resolveincident;

import java.util.List;

import io.firebreak.incident.IncidentInput;

/** resolve-incident's input: what fixed it, and, to override unmet criteria, force with a reason. */
public class ResolveIncidentInput extends IncidentInput {

    private String resolution;
    private Boolean force;
    private List<String> notifyTenants;

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
}
