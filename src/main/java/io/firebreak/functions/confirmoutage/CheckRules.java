package io.firebreak.functions.confirmoutage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.quarkus.runtime.annotations.RegisterForReflection;

import io.firebreak.functions.confirmoutage.TargetDiagnostics.AuditCount;
import io.firebreak.functions.confirmoutage.TargetDiagnostics.ConnectionUsage;
import io.firebreak.incident.Severity;
import io.firebreak.providers.vendorstatus.VendorReport;

/**
 * How raw check results become statuses, a verdict and a severity (seed 000's P0-P3). Pure, so
 * every rule is unit-tested without a database.
 *
 * <p>Severity is the most severe of the checks': database or health URL failing is P0 (production
 * down for everyone); connections near exhaustion or an audit spike of at least the fail ratio is
 * P1 (broken for many tenants); any warning is P2 (degraded). The verdict is outage at P0, degraded
 * for any other finding, healthy otherwise.
 */
public final class CheckRules {

    public static final String DATABASE = "database";
    public static final String APP_HEALTH = "app-health";
    public static final String CONNECTIONS = "connections";
    public static final String AUDIT_SPIKE = "audit-spike";
    /** Vendor status: shown with the verdict, never part of it (its severity is always null, so it is never the cause). */
    public static final String DEPENDENCIES = "dependencies";
    public static final String EDGE_FUNCTIONS = "edge-functions";
    public static final String SENTRY = "sentry";

    /** When checks tie on severity, the cause is the earliest: a dead database explains everything after it. */
    static final List<String> CAUSE_ORDER = List.of(DATABASE, APP_HEALTH, CONNECTIONS, AUDIT_SPIKE, EDGE_FUNCTIONS, SENTRY);

    private final ConfirmOutageConfig config;

    public CheckRules(ConfirmOutageConfig config) {
        this.config = config;
    }

    public CheckResult database(double latencyMs, long tenants) {
        Map<String, Object> detail = Map.of("tenants", tenants);
        if (latencyMs > config.slowThreshold().toMillis()) {
            return new CheckResult(DATABASE, CheckStatus.WARN, latencyMs,
                    "responding slowly (%.0f ms)".formatted(latencyMs), detail, Severity.P2);
        }
        return new CheckResult(DATABASE, CheckStatus.OK, latencyMs, "responding", detail, null);
    }

    public CheckResult databaseFailed(double latencyMs, Throwable error) {
        // It answered: a schema that lacks the contract's tenants table (or firebreak pointed at the
        // wrong database) is for an engineer to look at, not a P0 that pages everyone.
        if (error instanceof io.firebreak.platform.FunctionError f && f.code().equals("target_contract_mismatch")) {
            return new CheckResult(DATABASE, CheckStatus.FAIL, latencyMs, "responding, but " + describe(error),
                    Map.of("error", describe(error)), Severity.P2);
        }
        return new CheckResult(DATABASE, CheckStatus.FAIL, latencyMs, "not responding: " + describe(error),
                Map.of("error", describe(error)), Severity.P0);
    }

    public CheckResult appHealth(double latencyMs, String url, int status) {
        Map<String, Object> detail = Map.of("url", url, "httpStatus", status);
        if (status >= 400) {
            return new CheckResult(APP_HEALTH, CheckStatus.FAIL, latencyMs, "answered HTTP " + status, detail,
                    Severity.P0);
        }
        if (latencyMs > config.slowThreshold().toMillis()) {
            return new CheckResult(APP_HEALTH, CheckStatus.WARN, latencyMs,
                    "answered HTTP %d slowly (%.0f ms)".formatted(status, latencyMs), detail, Severity.P2);
        }
        return new CheckResult(APP_HEALTH, CheckStatus.OK, latencyMs, "answered HTTP " + status, detail, null);
    }

    public CheckResult appHealthFailed(double latencyMs, String url, Throwable error) {
        return new CheckResult(APP_HEALTH, CheckStatus.FAIL, latencyMs, "unreachable: " + describe(error),
                Map.of("url", url, "error", describe(error)), Severity.P0);
    }

    public CheckResult connections(double latencyMs, ConnectionUsage usage) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("total", usage.total());
        detail.put("active", usage.active());
        detail.put("idleInTransaction", usage.idleInTransaction());
        detail.put("maxConnections", usage.maxConnections());
        detail.put("superuserReserved", usage.reserved());
        detail.put("ratio", round(usage.ratio(), 3));
        String summary = "%d of %d usable connections in use (%.0f%%)".formatted(usage.total(),
                Math.max(1, usage.maxConnections() - usage.reserved()), usage.ratio() * 100);
        if (usage.ratio() >= config.connections().failRatio()) {
            return new CheckResult(CONNECTIONS, CheckStatus.FAIL, latencyMs, summary, detail, Severity.P1);
        }
        if (usage.ratio() >= config.connections().warnRatio()) {
            return new CheckResult(CONNECTIONS, CheckStatus.WARN, latencyMs, summary, detail, Severity.P2);
        }
        return new CheckResult(CONNECTIONS, CheckStatus.OK, latencyMs, summary, detail, null);
    }

    /** A query that could not run says nothing about an outage by itself: the database check decides that. */
    public CheckResult queryFailed(String name, double latencyMs, Throwable error) {
        return new CheckResult(name, CheckStatus.FAIL, latencyMs, "could not run: " + describe(error),
                Map.of("error", describe(error)), Severity.P2);
    }

    /**
     * What the declared vendors report: warn when one reports trouble with a component that matters
     * to us, ok otherwise (a page that could not be read is named in the summary). Never a severity:
     * a vendor's page is context for the verdict, not evidence of our outage.
     */
    public CheckResult dependencies(double latencyMs, List<VendorReport> reports) {
        List<String> trouble = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        List<Map<String, Object>> each = new ArrayList<>();
        for (VendorReport r : reports) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", r.dependency().name());
            d.put("indicator", r.indicator().json());
            d.put("description", r.description());
            if (!r.incidents().isEmpty()) {
                d.put("incidents", r.incidents().stream().map(VendorReport::incident).toList());
            }
            if (r.error() != null) {
                d.put("error", r.error());
            }
            each.add(d);
            if (r.trouble()) {
                trouble.add(r.description());
            } else if (r.error() != null) {
                unread.add(r.dependency().name());
            }
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("dependencies", each);
        String unreadText = unread.isEmpty() ? "" : "; not read: " + String.join(", ", unread);
        if (!trouble.isEmpty()) {
            return new CheckResult(DEPENDENCIES, CheckStatus.WARN, latencyMs, String.join("; ", trouble) + unreadText, detail,
                    null);
        }
        long skipped = reports.stream().filter(r -> r.skipped() != null).count();
        long read = reports.size() - unread.size() - skipped;
        String summary = read == 0 && !unread.isEmpty()
                ? "no vendor page could be read (not counted): " + String.join(", ", unread)
                : "%d of %d vendors report no trouble%s".formatted(read, reports.size() - skipped, unreadText);
        return new CheckResult(DEPENDENCIES, CheckStatus.OK, latencyMs, summary, detail, null);
    }

    /** The vendor reads as a whole did not come back in time: said so, still without a severity. */
    public CheckResult dependenciesFailed(double latencyMs, Throwable error) {
        return new CheckResult(DEPENDENCIES, CheckStatus.OK, latencyMs, "vendor pages not read: " + describe(error),
                Map.of("error", describe(error)), null);
    }

    /** One action type's window against its baseline (serialised inside a map: registered for native). */
    @RegisterForReflection
    public record Spike(String actionType, long events, double baseline, double ratio, long tenants) {
    }

    /**
     * @param baselineTotals events per action type in the 24 h before the window; the baseline of
     *        a window is that total spread over the 24 h's windows of the same length.
     */
    public CheckResult auditSpike(double latencyMs, int windowMinutes, List<AuditCount> window,
            Map<String, Long> baselineTotals) {
        double windowsPerDay = 1440.0 / windowMinutes;
        var audit = config.audit();
        List<Spike> spikes = new ArrayList<>();
        long events = 0;
        for (AuditCount count : window) {
            events += count.events();
            double baseline = baselineTotals.getOrDefault(count.actionType(), 0L) / windowsPerDay;
            double ratio = count.events() / Math.max(baseline, 1.0);
            if (count.events() >= audit.minEvents() && ratio >= audit.warnRatio()) {
                spikes.add(new Spike(count.actionType(), count.events(), round(baseline, 2), round(ratio, 1),
                        count.tenants()));
            }
        }
        spikes.sort(Comparator.comparingDouble(Spike::ratio).reversed());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("windowMinutes", windowMinutes);
        detail.put("events", events);
        detail.put("actionTypes", window.size());
        detail.put("spikes", spikes.size() > 10 ? spikes.subList(0, 10) : spikes);
        if (spikes.isEmpty()) {
            return new CheckResult(AUDIT_SPIKE, CheckStatus.OK, latencyMs,
                    String.format(java.util.Locale.ROOT, "%d events in %d min, no action type above %.0f× its baseline", events,
                            windowMinutes, audit.warnRatio()),
                    detail, null);
        }
        Spike top = spikes.get(0);
        String summary = String.format(java.util.Locale.ROOT, "%s: %d in %d min vs %.1f usual (%.0f×) across %d tenants",
                top.actionType(), top.events(), windowMinutes, top.baseline(), top.ratio(), top.tenants());
        if (top.ratio() >= audit.failRatio()) {
            return new CheckResult(AUDIT_SPIKE, CheckStatus.FAIL, latencyMs, summary, detail, Severity.P1);
        }
        return new CheckResult(AUDIT_SPIKE, CheckStatus.WARN, latencyMs, summary, detail, Severity.P2);
    }

    /** The thresholds of a platform spike (ConfirmOutageConfig.Spike as values, so the rule stays pure). */
    public record SpikeRule(int minEvents, double warnRatio, double failRatio) {
    }

    /**
     * A platform signal (edge-functions: Supabase Edge Function 5xx responses; sentry: Sentry error
     * events) judged like the audit spike: the window's events against the mean of the same-length
     * windows in the 24 h before it, floored at 1; at least minEvents and warnRatio× warns (P2),
     * failRatio× fails (P1). A reading that could not be taken is reported and never judged.
     */
    public CheckResult platformSpike(String name, String what, double latencyMs, int windowMinutes,
            PlatformSignals.Reading reading, SpikeRule rule, java.time.Instant now) {
        if (reading.error() != null) {
            return platformFailed(name, latencyMs, reading.error());
        }
        long events = reading.window().events();
        if (reading.baselineMinutes() < windowMinutes) {
            // Less than one window of history inside the 24 h: any ratio would be a guess, never a P1.
            return new CheckResult(name, CheckStatus.OK, latencyMs, "%d %s in %d min; no baseline inside 24 h for a window this long (not judged)"
                    .formatted(events, what, windowMinutes), Map.of("windowMinutes", windowMinutes, "events", events), null);
        }
        double windows = reading.baselineMinutes() / windowMinutes;
        double baseline = windows > 0 ? reading.baseline().events() / windows : 0;
        double ratio = events / Math.max(baseline, 1.0);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("windowMinutes", windowMinutes);
        detail.put("events", events);
        if (reading.window().total() >= 0) {
            detail.put("responses", reading.window().total());
            detail.put("serverErrorRatio", reading.window().total() == 0 ? 0.0
                    : round((double) events / reading.window().total(), 4));
        }
        detail.put("baseline", round(baseline, 2));
        detail.put("ratio", round(ratio, 1));
        detail.put("minEvents", rule.minEvents());
        detail.put("readingAgeSeconds", Math.max(0, java.time.Duration.between(reading.window().readAt(), now).toSeconds()));
        String summary = String.format(java.util.Locale.ROOT, "%d %s in %d min vs %.1f usual (%.0f×)", events, what,
                windowMinutes, round(baseline, 1), ratio);
        if (events < rule.minEvents() || ratio < rule.warnRatio()) {
            return new CheckResult(name, CheckStatus.OK, latencyMs, summary + (events < rule.minEvents()
                    ? ", fewer than " + rule.minEvents() + " events" : ", below " + fmt(rule.warnRatio()) + "×"), detail, null);
        }
        if (ratio >= rule.failRatio()) {
            return new CheckResult(name, CheckStatus.FAIL, latencyMs, summary, detail, Severity.P1);
        }
        return new CheckResult(name, CheckStatus.WARN, latencyMs, summary, detail, Severity.P2);
    }

    /** A provider that could not be read says nothing about the application: shown, never counted in the verdict. */
    /**
     * A provider that could not be read says nothing about our outage: skipped (so neither the verdict
     * nor the public page's components count it), with why.
     */
    public CheckResult platformFailed(String name, double latencyMs, String why) {
        return new CheckResult(name, CheckStatus.SKIPPED, latencyMs, "could not read: " + why + " (not counted in the verdict)",
                Map.of("error", why), null);
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Verdict, severity, the fingerprint of the cause and a title, from the checks. */
    public static Confirmation conclude(Instant at, Trigger trigger, List<CheckResult> checks, double tookMs) {
        Severity severity = null;
        for (CheckResult check : checks) {
            severity = Severity.mostSevere(severity, check.severity());
        }
        if (severity == null) {
            return new Confirmation(at, trigger, Verdict.HEALTHY, null, null, null, checks, tookMs);
        }
        Verdict verdict = severity == Severity.P0 ? Verdict.OUTAGE : Verdict.DEGRADED;
        Severity worst = severity;
        CheckResult cause = checks.stream().filter(c -> c.severity() == worst)
                .min(Comparator.comparingInt(c -> causeRank(c.name()))).orElseThrow();
        String title = (verdict == Verdict.OUTAGE ? "Outage" : "Degraded") + ": " + cause.name() + " "
                + cause.summary();
        return new Confirmation(at, trigger, verdict, severity, "target/" + cause.name(), title, checks, tookMs);
    }

    private static int causeRank(String name) {
        int i = CAUSE_ORDER.indexOf(name);
        return i < 0 ? CAUSE_ORDER.size() : i;
    }

    /** A failure described without stack traces or anything a caller should not see. */
    static String describe(Throwable error) {
        Throwable e = error;
        while (e.getCause() != null && e.getMessage() == null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException && e.getMessage() == null) {
            return "no answer within the check timeout";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }
}
