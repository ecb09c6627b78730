package io.firebreak.functions.restoresnapshot;

import io.firebreak.safety.ActionInput;

/** Which snapshot to put back, and under which new table name (default: the table's name, _restored_ and the snapshot's first 8 hex). */
public class RestoreSnapshotInput extends ActionInput {

    private String snapshotId;
    private String into;

    public String getSnapshotId() {
        return snapshotId;
    }

    public void setSnapshotId(String snapshotId) {
        this.snapshotId = snapshotId;
    }

    public String getInto() {
        return into;
    }

    public void setInto(String into) {
        this.into = into;
    }
}
