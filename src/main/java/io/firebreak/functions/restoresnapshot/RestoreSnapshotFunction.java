package io.firebreak.functions.restoresnapshot;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.db.Identifiers;
import io.firebreak.platform.FunctionError;

/** Puts a snapshot back on the target as a new table beside the original, checksum verified, planned, approved, audited and undoable. */
@Singleton
public class RestoreSnapshotFunction {

    @Inject
    RestoreSnapshotFlow flow;

    @Funq("restore-snapshot")
    public Uni<JsonNode> restoreSnapshot(RestoreSnapshotInput input) {
        RestoreSnapshotInput in = input == null ? new RestoreSnapshotInput() : input;
        if (in.getSnapshotId() == null || in.getSnapshotId().isBlank()) {
            throw FunctionError.badInput("missing_field", "snapshotId", "name the snapshot (snapshot-tables answered its id)");
        }
        UUID id;
        try {
            id = UUID.fromString(in.getSnapshotId().strip());
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "snapshotId", "snapshotId is a snapshot id");
        }
        String into = in.getInto() == null ? null : Identifiers.Table.parse(in.getInto()).orElseThrow(() -> FunctionError
                .badInput("invalid_value", "into", "into is schema.table or table")).toString();
        return in.applying() ? flow.apply(id, into, in) : flow.plan(id, into, in);
    }
}
