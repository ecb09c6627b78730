package io.firebreak.functions.confirmoutage;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

/**
 * The 24-hour audit baseline per window length, shared by concurrent confirmations: scanning a day
 * of audit_logs on every probe would cost the target more than the probe is worth.
 */
@ApplicationScoped
public class AuditBaselineCache {

    private record Entry(Uni<Map<String, Long>> totals, Instant expires) {
    }

    @Inject
    TargetDiagnostics diagnostics;

    @Inject
    ConfirmOutageConfig config;

    @Inject
    Clock clock;

    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();

    public Uni<Map<String, Long>> totals(int windowMinutes) {
        Instant now = clock.instant();
        Entry entry = entries.compute(windowMinutes, (w, current) -> current != null && current.expires().isAfter(now)
                ? current
                : new Entry(load(w), now.plus(config.audit().baselineTtl())));
        return entry.totals();
    }

    private Uni<Map<String, Long>> load(int windowMinutes) {
        // One query however many callers wait on it; a failure is forgotten so the next call retries.
        return diagnostics.auditBaseline(windowMinutes)
                .onFailure().invoke(e -> entries.remove(windowMinutes))
                .memoize().indefinitely();
    }
}
