package io.firebreak.functions.undo;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;
import io.firebreak.safety.Applying;
import io.firebreak.safety.AuditTrail;
import io.firebreak.safety.Undoable;

/** Restores the before-state an audited apply recorded, planned, bounded and audited like any change. */
@Singleton
public class UndoFunction {

    @Inject
    AuditTrail audit;

    @Inject
    io.firebreak.safety.PlannedActions actions;

    /** Every function whose applies can be undone; each says which it is. */
    @Inject
    Instance<Undoable> undoables;

    @Inject
    Instance<Undoable.Irreversible> irreversible;

    @Funq("undo")
    public Uni<JsonNode> undo(UndoInput input) {
        if (input != null && input.paging()) {
            return actions.page("undo", input);
        }
        if (input == null || input.getAuditId() == null) {
            throw FunctionError.badInput("missing_field", "auditId", "undo needs the auditId of an apply");
        }
        long id = input.getAuditId();
        return audit.find(id).flatMap(found -> {
            AuditTrail.Record record = found.orElseThrow(
                    () -> new FunctionError(404, "unknown_audit_record", "no audit record " + id, "auditId"));
            if (!record.action().equals("apply")) {
                throw new FunctionError(409, "not_undoable",
                        "audit record " + id + " is a " + record.action() + " (" + record.outcome()
                                + "), not the outcome of an apply", "auditId");
            }
            // An apply that failed part-way is undone too: its record lists what committed.
            if (!record.outcome().equals("applied") && !Applying.listsChanges(record.result())) {
                throw new FunctionError(409, "not_undoable",
                        "audit record " + id + " (" + record.outcome() + ") changed nothing: there is nothing to undo",
                        "auditId");
            }
            for (Undoable u : undoables) {
                if (u.function().equals(record.function())) {
                    return input.applying() ? u.undoApply(record, input) : u.undoPlan(record, input);
                }
            }
            String why = irreversible.stream().filter(f -> f.function().equals(record.function())).findFirst()
                    .map(Undoable.Irreversible::why).orElse(record.function() + " changes cannot be undone by firebreak");
            throw new FunctionError(409, "not_undoable", why, "auditId");
        });
    }
}
