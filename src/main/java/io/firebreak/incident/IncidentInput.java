package io.firebreak.incident;

import io.firebreak.platform.ActorInput;

/**
 * The input every incident lifecycle function shares: which incident, why, and {@code dryRun} to
 * see exactly what would be recorded and posted without recording or posting anything.
 */
public class IncidentInput extends ActorInput {

    private String id;
    private Boolean dryRun;
    private String reason;

    public boolean dry() {
        return Boolean.TRUE.equals(dryRun);
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Boolean getDryRun() {
        return dryRun;
    }

    public void setDryRun(Boolean dryRun) {
        this.dryRun = dryRun;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
