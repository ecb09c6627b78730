package io.firebreak.functions.confirmoutage;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.firebreak.incident.Severity;

/**
 * confirm-outage's answer. {@code incidentAction} says whether this call declared the incident or
 * attached to an open one; {@code recorded} is false only when the ops database could not take it;
 * {@code shared} is true when this call took a concurrent call's probe instead of probing again.
 */
@JsonPropertyOrder({ "verdict", "severity", "title", "incidentId", "incidentAction", "checks", "recorded", "shared",
        "ageMs", "warnings", "tookMs" })
public record ConfirmOutageResult(Verdict verdict, Severity severity, String title, String incidentId,
        String incidentAction, List<CheckResult> checks, boolean recorded, boolean shared, long ageMs,
        List<String> warnings, double tookMs) {

    static ConfirmOutageResult from(ConfirmOutageFlow.Outcome o) {
        return from(o, false, 0);
    }

    /** shared: this call took the answer of another call's probe, ageMs old (see firebreak.confirm.share-window). */
    static ConfirmOutageResult from(ConfirmOutageFlow.Outcome o, boolean shared, long ageMs) {
        var c = o.confirmation();
        return new ConfirmOutageResult(c.verdict(), c.severity(), c.title(),
                o.incident().map(l -> l.incidentId()).orElse(null),
                o.incident().map(l -> l.declared() ? "declared" : "attached").orElse(null),
                c.checks(), o.recorded(), shared, ageMs, o.warnings(), o.tookMs());
    }
}
