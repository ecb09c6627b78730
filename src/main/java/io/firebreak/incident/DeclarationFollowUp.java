package io.firebreak.incident;

/**
 * The port through which work that follows every declaration (the "what changed" event) learns of
 * one, once the transaction that declared it has committed, whichever function declared it:
 * implemented by functions, so the incident kernel names none. It must return at once and never
 * fail; a follow-up that could not run is caught up by its own schedule.
 */
public interface DeclarationFollowUp {

    /** An incident was declared and its transaction committed. */
    void declared(String incidentId);
}
