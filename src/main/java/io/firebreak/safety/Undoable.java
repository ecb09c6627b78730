package io.firebreak.safety;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * A function whose applies undo can reverse from the before-state their audit records hold. Each
 * implements it in its own package, so undo finds it by the record's function and knows none of them.
 */
public interface Undoable {

    /** The manifest id whose applies this undoes. */
    String function();

    /** The dry run of undoing one apply: what would be restored, as a plan. */
    Uni<JsonNode> undoPlan(AuditTrail.Record applied, ActionInput input);

    /** The audited undo of that plan. */
    Uni<JsonNode> undoApply(AuditTrail.Record applied, ActionInput input);

    /** A function that changes the target but whose changes no undo can reverse: says why, to the caller. */
    interface Irreversible {
        String function();

        String why();
    }
}
