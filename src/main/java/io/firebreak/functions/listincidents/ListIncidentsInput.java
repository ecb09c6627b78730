package io.firebreak.functions.listincidents;

/** list-incidents' filters: open only (the default), severities (comma-separated labels), opened since, how many. */
public class ListIncidentsInput {

    private Boolean open;
    private String severity;
    private String since;
    private Integer limit;

    public Boolean getOpen() {
        return open;
    }

    public void setOpen(Boolean open) {
        this.open = open;
    }

    public String getSeverity() {
        return severity;
    }

    public void setSeverity(String severity) {
        this.severity = severity;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }

    public Integer getLimit() {
        return limit;
    }

    public void setLimit(Integer limit) {
        this.limit = limit;
    }
}
