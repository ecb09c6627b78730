package io.firebreak.functions.runcheck;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.Severity;
import io.firebreak.incident.SeverityScale;
import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;

/**
 * One declared check, run and judged: a breach declares an incident for the check (or attaches to
 * the one still open) with what it measured on the timeline, unless it is a dry run.
 */
@ApplicationScoped
public class RunCheckFlow {

    @Inject
    FunctionAdmission admission;

    @Inject
    CheckRunner runner;

    @Inject
    IncidentStore incidents;

    @Inject
    SeverityScale scale;

    @Inject
    Clock clock;

    @Inject
    CheckRunner.Config config;

    @Inject
    HttpCheckRunner httpRunner;

    /** A check whose severity the configured scale cannot read would only fail when it breaches: refuse to start. */
    void validate(@Observes StartupEvent start) {
        for (DeclaredCheck check : checks().values()) {
            if (scale.parse(check.severity()).isEmpty()) {
                throw new IllegalStateException("functions.yaml: check " + check.name() + " has severity "
                        + check.severity() + ", not one of " + scale.labels());
            }
        }
        for (HttpCheck check : httpChecks().values()) {
            if (scale.parse(check.severity()).isEmpty()) {
                throw new IllegalStateException("functions.yaml: http check " + check.name() + " has severity "
                        + check.severity() + ", not one of " + scale.labels());
            }
            if (checks().containsKey(check.name())) {
                throw new IllegalStateException("functions.yaml: " + check.name()
                        + " is both a check and an http check: run-check names one of them");
            }
        }
        if (!checks().isEmpty() && config.role().isEmpty()) {
            org.jboss.logging.Logger.getLogger(RunCheckFlow.class).warn("declared checks run without FIREBREAK_CHECKS_ROLE: "
                    + "the guard and the READ ONLY transaction stand, but a user-defined function a check calls could still "
                    + "signal sessions; create a read-only role (docs/detection.md, Declared checks) and set it");
        }
    }

    private final Declared<Map<String, DeclaredCheck>> checks = new Declared<>(() -> DeclaredChecks.parse(admission.manifest()));

    private final Declared<Map<String, HttpCheck>> httpChecks = new Declared<>(() -> HttpChecks.parse(admission.manifest()));

    /** Parsed once, at start-up (validate): a refused check stops the service before it serves a call. */
    public Map<String, DeclaredCheck> checks() {
        return checks.get();
    }

    /** The declared HTTP checks (vendor accounts), parsed once at start-up like the SQL checks. */
    public Map<String, HttpCheck> httpChecks() {
        return httpChecks.get();
    }

    /** An HTTP check run and judged like a SQL check: a breach declares or attaches under check/&lt;name&gt;. */
    public Uni<Map<String, Object>> run(HttpCheck check, boolean declare, String source) {
        return httpRunner.run(check).flatMap(outcome -> {
            Map<String, Object> answer = summary(check);
            answer.remove("scheduled");
            answer.put("tookMs", outcome.tookMs());
            if (outcome.kind() == HttpCheckRunner.Kind.NOT_CONFIGURED) {
                // An integration nobody configured is not a failure: it says what it needs and declares nothing.
                answer.put("status", "skipped");
                answer.put("skipped", outcome.error());
                answer.put("incident", null);
                return Uni.createFrom().item(answer);
            }
            if (outcome.kind() != HttpCheckRunner.Kind.MEASURED) {
                answer.put("status", "error");
                answer.put("error", outcome.error());
                answer.put("httpStatus", outcome.httpStatus());
                answer.put("unavailable", outcome.kind() == HttpCheckRunner.Kind.UNAVAILABLE);
                return Uni.createFrom().item(answer);
            }
            answer.put("status", outcome.breached() ? "breached" : "ok");
            answer.put("value", outcome.value());
            answer.put("httpStatus", outcome.httpStatus());
            if (!outcome.breached() || !declare) {
                answer.put("incident", null);
                return Uni.createFrom().item(answer);
            }
            Object shown = outcome.value() instanceof Double d ? number(d) : outcome.value();
            String title = "Check %s breached: %s is %s (%s)".formatted(check.name(), shown, check.rule().describe(),
                    check.description());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("check", check.name());
            detail.put("value", outcome.value());
            detail.put("rule", check.rule().describe());
            detail.put("url", io.firebreak.providers.DeclaredUrl.shown(check.rawUrl()));
            return declare(check.name(), check.severity(), title, source, detail, answer);
        });
    }

    public Uni<Map<String, Object>> run(DeclaredCheck check, boolean declare, String source) {
        return runner.run(check).flatMap(outcome -> {
            Map<String, Object> answer = summary(check);
            answer.remove("scheduled");
            if (outcome.error() != null) {
                answer.put("status", "error");
                answer.put("error", outcome.error());
                answer.put("targetUnavailable", outcome.targetUnavailable());
                answer.put("tookMs", outcome.tookMs());
                return Uni.createFrom().item(answer);
            }
            answer.put("status", outcome.breached() ? "breached" : "ok");
            answer.put("value", outcome.measure());
            answer.put("rows", outcome.rows());
            answer.put("sample", outcome.sample());
            answer.put("tookMs", outcome.tookMs());
            if (!outcome.breached() || !declare) {
                answer.put("incident", null);
                return Uni.createFrom().item(answer);
            }
            String title = "Check %s breached: %s above %s (%s)".formatted(check.name(), number(outcome.measure()),
                    number(check.threshold()), check.description());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("check", check.name());
            detail.put("value", outcome.measure());
            detail.put("threshold", check.threshold());
            detail.put("rows", outcome.rows());
            return declare(check.name(), check.severity(), title, source, detail, answer);
        });
    }

    /** A breach declares an incident for the check, or attaches to the one still open, with what it measured. */
    private Uni<Map<String, Object>> declare(String name, String severityLabel, String title, String source,
            Map<String, Object> detail, Map<String, Object> answer) {
        Severity severity = scale.parse(severityLabel).orElseThrow();
        return incidents.transaction(tx -> tx.declareOrAttach("check/" + name, title, severity, source,
                clock.instant()).call(link -> tx.addEvent(link.incidentId(), clock.instant(), "check-breached", source,
                        title, detail))).map(link -> {
                            answer.put("incident", Map.of("id", link.incidentId(), "declared", link.declared()));
                            return answer;
                        });
    }

    /** What a check is, as run-check lists it and begins each answer. */
    static Map<String, Object> summary(DeclaredCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("description", c.description());
        m.put("measure", c.measure().name().toLowerCase(java.util.Locale.ROOT));
        m.put("threshold", c.threshold());
        m.put("severity", c.severity());
        m.put("scheduled", c.scheduled());
        return m;
    }

    /** What an HTTP check is, as run-check lists it; the URL shown without its query, the secrets by name only. */
    static Map<String, Object> summary(HttpCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("kind", "http");
        m.put("description", c.description());
        m.put("url", io.firebreak.providers.DeclaredUrl.shown(c.rawUrl()));
        m.put("pointer", c.pointer());
        m.put("breachedWhen", c.rule().describe());
        m.put("severity", c.severity());
        m.put("scheduled", c.scheduled());
        List<String> missing = HttpCheckRunner.missing(c);
        m.put("configured", missing.isEmpty());
        if (!missing.isEmpty()) {
            m.put("needs", missing);
        }
        return m;
    }

    static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
