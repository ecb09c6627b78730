package io.firebreak.functions.undo;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.domain.AuditTrail;
import io.firebreak.functions.FunctionError;
import io.firebreak.functions.clearretryqueue.ClearRetryQueueFlow;
import io.firebreak.functions.requeue.RequeueFlow;
import io.firebreak.functions.verifypayment.VerifyPaymentFlow;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Restores the before-state an audited apply recorded, planned, bounded and audited like any change. */
public class UndoFunction {

    @Inject
    AuditTrail audit;

    @Inject
    ClearRetryQueueFlow retryQueue;

    @Inject
    VerifyPaymentFlow payments;

    @Inject
    RequeueFlow requeues;

    @Funq("undo")
    public Uni<JsonNode> undo(UndoInput input) {
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
            if (!record.outcome().equals("applied") && !io.firebreak.functions.Applying.listsChanges(record.result())) {
                throw new FunctionError(409, "not_undoable",
                        "audit record " + id + " (" + record.outcome() + ") changed nothing: there is nothing to undo",
                        "auditId");
            }
            return switch (record.function()) {
                case ClearRetryQueueFlow.FUNCTION -> input.applying() ? retryQueue.undoApply(record, input)
                        : retryQueue.undoPlan(record, input);
                case VerifyPaymentFlow.FUNCTION -> input.applying() ? payments.undoApply(record, input)
                        : payments.undoPlan(record, input);
                case RequeueFlow.FUNCTION -> input.applying() ? requeues.undoApply(record, input)
                        : requeues.undoPlan(record, input);
                case "terminate-sessions" -> throw new FunctionError(409, "not_undoable",
                        "ended sessions cannot be brought back; the application reconnects on its own", "auditId");
                case "vacuum-analyze" -> throw new FunctionError(409, "not_undoable",
                        "VACUUM and ANALYZE change no data: there is nothing to undo", "auditId");
                default -> throw new FunctionError(409, "not_undoable",
                        record.function() + " changes cannot be undone by firebreak", "auditId");
            };
        });
    }
}
