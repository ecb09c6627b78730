package io.firebreak.functions.watchincidents;

import io.firebreak.platform.ActorInput;

/** watch-incidents' input: dryRun to see what the schedule would escalate and remind now. */
public class WatchIncidentsInput extends ActorInput {

    private Boolean dryRun;

    public Boolean getDryRun() {
        return dryRun;
    }

    public void setDryRun(Boolean dryRun) {
        this.dryRun = dryRun;
    }
}
