package io.firebreak.functions.platformlogs;

/** platform-logs' window (minutes, or around an incident) and how many function log lines to show. */
public class PlatformLogsInput {

    private Integer minutes;
    private String incidentId;
    private Integer tail;

    public Integer getMinutes() {
        return minutes;
    }

    public void setMinutes(Integer minutes) {
        this.minutes = minutes;
    }

    public String getIncidentId() {
        return incidentId;
    }

    public void setIncidentId(String incidentId) {
        this.incidentId = incidentId;
    }

    public Integer getTail() {
        return tail;
    }

    public void setTail(Integer tail) {
        this.tail = tail;
    }
}
