package io.firebreak.functions.confirmoutage;

import java.time.Instant;
import java.util.List;

import io.firebreak.incident.Severity;

/** The conclusion of one confirm-outage run, before it is recorded. */
public record Confirmation(Instant at, Trigger trigger, Verdict verdict, Severity severity, String fingerprint,
        String title, List<CheckResult> checks, double tookMs) {
}
