package io.firebreak.functions.toperrors;

/** top-errors' window (seed 001: 1h), how many groups, and an optional service prefix (seed 003: edge:). */
public class TopErrorsInput {

    private String window;
    private Integer limit;
    private String service;

    public String getWindow() {
        return window;
    }

    public void setWindow(String window) {
        this.window = window;
    }

    public Integer getLimit() {
        return limit;
    }

    public void setLimit(Integer limit) {
        this.limit = limit;
    }

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }
}
