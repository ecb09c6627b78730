package io.firebreak.safety;

import io.firebreak.platform.ActorInput;

/**
 * The input every function that changes something shares (the safety model): a call is a dry run
 * unless it carries {@code apply: true} and the {@code planId} its dry run returned, and an apply
 * states its {@code reason}. {@code actor} and {@code idempotencyKey} are set by admission from the
 * token and the Idempotency-Key header; a caller cannot supply an actor.
 */
public class ActionInput extends ActorInput {

    private Boolean apply;
    private String planId;
    private String reason;
    private String incidentId;
    private Boolean force;
    private String cursor;
    /** What let this apply through the approval gate; set by the gate, never read from the caller's input. */
    private transient String gate;

    /** An admin's break-glass: apply without the approvals the policy asks, marked for the post-mortem. */
    public Boolean getForce() {
        return force;
    }

    public void setForce(Boolean force) {
        this.force = force;
    }

    /** With {@code planId} and no apply: the next page of that stored plan's change set (a dry run's nextCursor). */
    public String getCursor() {
        return cursor;
    }

    public void setCursor(String cursor) {
        this.cursor = cursor;
    }

    /** Whether this call pages a stored plan rather than planning or applying. */
    public boolean paging() {
        return !applying() && cursor != null;
    }

    String gate() {
        return gate;
    }

    void passedGate(String why) {
        this.gate = why;
    }

    /** The incident this action belongs to: its apply goes on that incident's timeline with its audit id. */
    public String getIncidentId() {
        return incidentId;
    }

    public void setIncidentId(String incidentId) {
        this.incidentId = incidentId;
    }

    /** Functions that write their own timeline event for the incident (notify-tenant) say so. */
    public boolean recordsOwnTimeline() {
        return false;
    }

    public boolean applying() {
        return Boolean.TRUE.equals(apply);
    }

    public Boolean getApply() {
        return apply;
    }

    public void setApply(Boolean apply) {
        this.apply = apply;
    }

    public String getPlanId() {
        return planId;
    }

    public void setPlanId(String planId) {
        this.planId = planId;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
