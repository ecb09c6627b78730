package io.firebreak.functions.schedulemaintenance;

import java.util.List;

import io.firebreak.platform.ActorInput;

/** schedule-maintenance's input: a window (ISO-8601 instants), the components, the public text; or the id to cancel. */
public class ScheduleMaintenanceInput extends ActorInput {

    private String title;
    private String text;
    private List<String> components;
    private String startsAt;
    private String endsAt;
    private String cancel;
    private String reason;
    private Boolean dryRun;

    public boolean dry() {
        return Boolean.TRUE.equals(dryRun);
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public List<String> getComponents() {
        return components;
    }

    public void setComponents(List<String> components) {
        this.components = components;
    }

    public String getStartsAt() {
        return startsAt;
    }

    public void setStartsAt(String startsAt) {
        this.startsAt = startsAt;
    }

    public String getEndsAt() {
        return endsAt;
    }

    public void setEndsAt(String endsAt) {
        this.endsAt = endsAt;
    }

    public String getCancel() {
        return cancel;
    }

    public void setCancel(String cancel) {
        this.cancel = cancel;
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
