package io.firebreak.functions.confirmoutage;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.firebreak.incident.Severity;

/**
 * One check of a confirmation. {@code severity} is what this check alone says about the incident
 * (null when it found nothing); {@code summary} is the one line a human reads first.
 */
@JsonPropertyOrder({ "name", "status", "latencyMs", "summary", "detail" })
public record CheckResult(String name, CheckStatus status, double latencyMs, String summary, Map<String, Object> detail,
        @JsonIgnore Severity severity) {

    public static CheckResult skipped(String name, String why) {
        return new CheckResult(name, CheckStatus.SKIPPED, 0, why, Map.of(), null);
    }

    @JsonIgnore
    public boolean healthy() {
        return status == CheckStatus.OK || status == CheckStatus.SKIPPED;
    }
}
