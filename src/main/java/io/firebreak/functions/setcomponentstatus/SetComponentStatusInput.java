package io.firebreak.functions.setcomponentstatus;

import io.firebreak.platform.ActorInput;

/** set-component-status's input: the component, its state (or clear), why, and for how long. */
public class SetComponentStatusInput extends ActorInput {

    private String component;
    private String status;
    private Boolean clear;
    private Integer forMinutes;
    private String reason;
    private Boolean dryRun;

    public boolean dry() {
        return Boolean.TRUE.equals(dryRun);
    }

    public String getComponent() {
        return component;
    }

    public void setComponent(String component) {
        this.component = component;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public Boolean getClear() {
        return clear;
    }

    public void setClear(Boolean clear) {
        this.clear = clear;
    }

    public Integer getForMinutes() {
        return forMinutes;
    }

    public void setForMinutes(Integer forMinutes) {
        this.forMinutes = forMinutes;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public Boolean getDryRun() {
        return dryRun;
    }

    public void setDryRun(Boolean dryRun) {
        this.dryRun = dryRun;
    }
}
