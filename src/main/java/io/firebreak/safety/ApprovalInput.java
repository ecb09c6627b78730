package io.firebreak.safety;

import java.util.UUID;

import io.firebreak.platform.ActorInput;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.InputText;

/**
 * The input of request-approval, approve and deny: the plan (and, to decide, the digest the
 * approver reviewed), the reason kept in the audit record, and for a request the incident whose
 * commander and deputy may approve.
 */
public class ApprovalInput extends ActorInput {

    private String planId;
    private String digest;
    private String reason;
    private String incidentId;

    public String getPlanId() {
        return planId;
    }

    public void setPlanId(String planId) {
        this.planId = planId;
    }

    public String getDigest() {
        return digest;
    }

    public void setDigest(String digest) {
        this.digest = digest;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getIncidentId() {
        return incidentId;
    }

    public void setIncidentId(String incidentId) {
        this.incidentId = incidentId;
    }

    /** The plan, or a 400 naming the field. */
    public UUID plan() {
        if (planId == null || planId.isBlank()) {
            throw FunctionError.badInput("missing_field", "planId", "planId is the plan its dry run answered");
        }
        try {
            return UUID.fromString(planId.strip());
        } catch (IllegalArgumentException e) {
            throw FunctionError.badInput("invalid_value", "planId", "planId is not a plan id");
        }
    }

    /** The digest the approver reviewed: 64 hex characters, as the dry run and the request answer it. */
    public String reviewedDigest() {
        if (digest == null || digest.isBlank()) {
            throw FunctionError.badInput("missing_field", "digest", "digest is the plan digest you reviewed (from its "
                    + "dry run or request-approval)");
        }
        if (!digest.strip().matches("[0-9a-f]{64}")) {
            throw FunctionError.badInput("invalid_value", "digest", "digest is 64 lower-case hex characters");
        }
        return digest.strip();
    }

    /** Why: kept in the audit record and shown on the timeline. */
    public String why() {
        return InputText.reason(reason, "a reason is required, kept in the audit record");
    }
}
