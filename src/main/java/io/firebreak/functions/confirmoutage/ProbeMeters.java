package io.firebreak.functions.confirmoutage;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Each probe in numbers: firebreak_probes_total by verdict and trigger, and per check its status
 * (firebreak_probe_checks_total) and latency (firebreak_probe_check_duration_seconds, with
 * histogram buckets for quantiles), so the on-call sees what detection sees and how fast it sees it.
 */
@ApplicationScoped
public class ProbeMeters {

    /** Histogram buckets for quantiles (histogram_quantile): a check is bounded by the check timeout (1.8 s). */
    static final Duration[] BUCKETS = java.util.stream.LongStream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    @Inject
    MeterRegistry registry;

    // Registering looks the meter up by its sorted tags on every call: a probe per call would pay that
    // eight times over, so each tag combination (a handful) is looked up once and kept.
    private final Map<String, Counter> probes = new ConcurrentHashMap<>();
    private final Map<String, Counter> checks = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();

    void probed(Confirmation c) {
        String verdict = c.verdict().json();
        String trigger = c.trigger().id();
        probes.computeIfAbsent(verdict + '\u001f' + trigger, k -> Counter.builder("firebreak.probes")
                .description("confirm-outage probes by verdict and trigger")
                .tags("verdict", verdict, "trigger", trigger).register(registry)).increment();
        for (CheckResult check : c.checks()) {
            String status = check.status().json();
            checks.computeIfAbsent(check.name() + '\u001f' + status, k -> Counter.builder("firebreak.probe.checks")
                    .description("confirm-outage checks by status")
                    .tags("check", check.name(), "status", status).register(registry)).increment();
            if (check.status() != CheckStatus.SKIPPED) {
                durations.computeIfAbsent(check.name(), name -> Timer.builder("firebreak.probe.check.duration")
                        .description("How long each confirm-outage check took").tag("check", name)
                        .serviceLevelObjectives(BUCKETS).register(registry))
                        .record((long) (check.latencyMs() * 1_000_000), TimeUnit.NANOSECONDS);
            }
        }
    }
}
