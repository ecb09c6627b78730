package io.firebreak.incident;

/** How an event reached an incident: it opened it, or joined one already open. */
public record IncidentLink(String incidentId, boolean declared) {
}
