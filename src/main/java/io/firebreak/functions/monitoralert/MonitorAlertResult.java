package io.firebreak.functions.monitoralert;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.firebreak.functions.confirmoutage.Verdict;
import io.firebreak.incident.Severity;

/** monitor-alert's answer: what happened to the alert, and the verdict of the re-probe it caused (if any). */
@JsonPropertyOrder({ "incidentId", "action", "verdict", "severity", "provider", "monitor" })
public record MonitorAlertResult(String incidentId, String action, Verdict verdict, Severity severity, String provider,
        String monitor) {
}
