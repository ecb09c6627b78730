package io.firebreak.functions.undo;

import io.firebreak.safety.ActionInput;

/** undo's input: the audit id of the apply to reverse, plus the usual plan/apply fields. */
public class UndoInput extends ActionInput {

    private Long auditId;

    public Long getAuditId() {
        return auditId;
    }

    public void setAuditId(Long auditId) {
        this.auditId = auditId;
    }
}
