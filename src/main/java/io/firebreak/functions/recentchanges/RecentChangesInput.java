package io.firebreak.functions.recentchanges;

/**
 * recent-changes' window: an incident (the 2 h before it opened), or since/until as ISO-8601 instants
 * or spans before now (6h, 90m); neither is the 2 h before now.
 */
public class RecentChangesInput {

    private String incidentId;
    private String since;
    private String until;

    public String getIncidentId() {
        return incidentId;
    }

    public void setIncidentId(String incidentId) {
        this.incidentId = incidentId;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }

    public String getUntil() {
        return until;
    }

    public void setUntil(String until) {
        this.until = until;
    }
}
