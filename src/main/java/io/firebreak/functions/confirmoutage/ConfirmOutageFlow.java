package io.firebreak.functions.confirmoutage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentLink;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.Severity;
import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.providers.vendorstatus.Dependency;
import io.firebreak.providers.vendorstatus.VendorReport;
import io.firebreak.providers.vendorstatus.VendorStatus;

/**
 * Seed 000 Step 1 "Confirm": runs the checks concurrently, each under its own deadline, concludes
 * a verdict and severity, and records it in the ops database, declaring or attaching an incident.
 */
@ApplicationScoped
public class ConfirmOutageFlow {

    private static final Logger LOG = Logger.getLogger(ConfirmOutageFlow.class);

    @Inject
    TargetDiagnostics diagnostics;

    @Inject
    AuditBaselineCache baselines;

    @Inject
    AppHealthProbe appHealth;

    @Inject
    PlatformSignals platform;

    @Inject
    PlatformChecksConfig platformConfig;

    @Inject
    IncidentStore store;

    @Inject
    Confirmations confirmations;

    @Inject
    ConfirmOutageConfig config;

    @Inject
    ProbeScheduleConfig schedule;

    @Inject
    Clock clock;

    @Inject
    VendorStatus vendors;

    @Inject
    FunctionAdmission admission;

    @Inject
    ProbeMeters meters;

    private final Declared<List<Dependency>> dependencies = new Declared<>(
            () -> Dependency.parseAll(admission.manifest().settings("dependencies")));

    private CheckRules rules;

    @PostConstruct
    void init() {
        rules = new CheckRules(config);
    }

    /** What a recorded confirmation led to. */
    public record Outcome(Confirmation confirmation, Optional<IncidentLink> incident, boolean recorded,
            List<String> warnings, double tookMs) {
    }

    /** Probe, then record: the whole of confirm-outage. */
    public Uni<Outcome> confirm(Trigger trigger, int windowMinutes, String source) {
        return confirm(trigger, windowMinutes, source, null);
    }

    /** notBefore (may be null): provider readings begun before it are not reused (a confirming re-probe). */
    public Uni<Outcome> confirm(Trigger trigger, int windowMinutes, String source, Instant notBefore) {
        long start = System.nanoTime();
        return probe(trigger, windowMinutes, notBefore).flatMap(c -> record(c, source, start, null));
    }

    /**
     * Records a confirmation and lets the caller add its own writes to the same transaction (and
     * name the incident they joined; null: nothing more). If the
     * ops database cannot take it in time the verdict still goes out, flagged as not recorded.
     */
    public Uni<Outcome> record(Confirmation c, String source, long startNanos,
            BiFunction<IncidentStore.Tx, Optional<IncidentLink>, Uni<Optional<IncidentLink>>> alsoInTransaction) {
        Uni<Optional<IncidentLink>> written;
        if (c.fingerprint() == null && c.trigger() != Trigger.SCHEDULE && alsoInTransaction == null) {
            // Nothing to declare, attach or count in a streak: evidence, one statement, committed without
            // waiting for the WAL flush. This is what a probe per call costs the ops database.
            written = confirmations.saveEvidence(c, config.recordTimeout()).replaceWith(Optional.<IncidentLink>empty());
        } else {
            // Past the record timeout the transaction is abandoned (it rolls back), so "not recorded" is true.
            // A confirmation without a cause can neither declare nor attach: it too is committed without the flush.
            written = store.transaction(config.recordTimeout(), c.fingerprint() != null, tx -> link(tx, c, source)
                    .flatMap(link -> alsoInTransaction == null ? Uni.createFrom().item(link) : alsoInTransaction.apply(tx, link)));
        }
        return written
                .map(link -> new Outcome(c, link, true, List.of(), elapsedMs(startNanos)))
                .onFailure().recoverWithItem(e -> {
                    // An unexpected failure (not the database being out of reach) keeps its stack in the log.
                    LOG.errorf(e instanceof io.firebreak.db.DatabaseUnavailable ? null : e,
                            "ops database did not record the %s confirmation (%s): %s", c.verdict().json(),
                            c.fingerprint(), CheckRules.describe(e));
                    return new Outcome(c, Optional.empty(), false,
                            List.of("ops database unavailable: this confirmation and any incident were not recorded ("
                                    + CheckRules.describe(e) + ")"),
                            elapsedMs(startNanos));
                });
    }

    /** Runs every check concurrently; none can take longer than the check timeout. */
    public Uni<Confirmation> probe(Trigger trigger, int windowMinutes) {
        return probe(trigger, windowMinutes, null);
    }

    Uni<Confirmation> probe(Trigger trigger, int windowMinutes, Instant notBefore) {
        Instant at = clock.instant();
        long start = System.nanoTime();
        CheckRules r = rules;
        // Tenants and connections in one round trip; should the target refuse one of the queries (a
        // missing table, a revoked grant), each check asks on its own so each names its own cause.
        Uni<TargetDiagnostics.Readings> together = diagnostics.together().memoize().indefinitely();
        Uni<Long> tenants = together.map(TargetDiagnostics.Readings::tenants)
                .onFailure(ConfirmOutageFlow::refused).recoverWithUni(() -> diagnostics.tenantCount());
        Uni<TargetDiagnostics.ConnectionUsage> usage = together.map(TargetDiagnostics.Readings::connections)
                .onFailure(ConfirmOutageFlow::refused).recoverWithUni(() -> diagnostics.connectionUsage());
        Uni<List<TargetDiagnostics.AuditCount>> window = diagnostics.auditWindow(windowMinutes);
        Uni<CheckResult> database = timed(tenants, r::database, r::databaseFailed);
        Uni<CheckResult> connections = timed(usage, r::connections,
                (ms, e) -> r.queryFailed(CheckRules.CONNECTIONS, ms, e));
        Uni<CheckResult> audit = timed(
                Uni.combine().all().unis(window, baselines.totals(windowMinutes)).asTuple(),
                (ms, t) -> r.auditSpike(ms, windowMinutes, t.getItem1(), t.getItem2()),
                (ms, e) -> r.queryFailed(CheckRules.AUDIT_SPIKE, ms, e));
        Uni<CheckResult> app;
        if (appHealth.configured()) {
            String url = appHealth.displayUrl();
            app = timed(appHealth.probe(config.checkTimeout().toMillis()), (ms, a) -> r.appHealth(ms, url, a.status()),
                    (ms, e) -> r.appHealthFailed(ms, url, e));
        } else {
            app = Uni.createFrom().item(CheckResult.skipped(CheckRules.APP_HEALTH, "APP_HEALTH_URL is not set"));
        }
        // The providers' checks judge the default window only: a caller's windowMinutes cannot spend their rate limits.
        int platformWindow = config.defaultWindowMinutes();
        Uni<CheckResult> edge = platformCheck(CheckRules.EDGE_FUNCTIONS, "Edge Function 5xx responses",
                platform.edgeNotConfigured(), () -> platform.edge(platformWindow, notBefore), platformConfig.edgeFunctions(),
                platformWindow);
        Uni<CheckResult> sentry = platformCheck(CheckRules.SENTRY, "Sentry error events", platform.sentryNotConfigured(),
                () -> platform.sentry(platformWindow, notBefore), platformConfig.sentry(), platformWindow);
        List<Uni<CheckResult>> checks = new java.util.ArrayList<>(List.of(database, app, connections, audit, edge, sentry));
        if (vendors.config().enabled()) {
            checks.add(dependencies(r));
        }
        return Uni.combine().all().unis(checks)
                .with(CheckResult.class, results -> CheckRules.conclude(at, trigger, results, elapsedMs(start)))
                .invoke(meters::probed);
    }

    /**
     * The vendors' status through the shared cache (a fresh read costs nothing within its TTL); a
     * cold or hung page gets a little less than the check timeout, then is reported unread while its
     * read goes on in the background for the next probe.
     */
    private Uni<CheckResult> dependencies(CheckRules r) {
        List<Dependency> declared = dependencies.get();
        if (declared.isEmpty()) {
            return Uni.createFrom().item(CheckResult.skipped(CheckRules.DEPENDENCIES, "no dependencies declared in functions.yaml"));
        }
        Duration wait = config.checkTimeout().minusMillis(Math.min(200, config.checkTimeout().toMillis() / 4));
        List<Uni<VendorReport>> reads = declared.stream().map(d -> vendors.report(d, false).ifNoItem().after(wait)
                .recoverWithItem(() -> VendorReport.failed(d, "no answer within " + wait.toMillis()
                        + " ms (confirm-outage's share; the read goes on for the next probe)", clock.instant())))
                .toList();
        return timed(Uni.combine().all().unis(reads).with(VendorReport.class, list -> list), r::dependencies,
                r::dependenciesFailed);
    }

    /** An optional platform check: skipped when its provider is not configured, else its (cached) reading judged. */
    private Uni<CheckResult> platformCheck(String name, String what, String notConfigured,
            java.util.function.Supplier<Uni<PlatformSignals.Reading>> reading, ConfirmOutageConfig.Spike spike,
            int windowMinutes) {
        if (notConfigured != null) {
            return Uni.createFrom().item(CheckResult.skipped(name, notConfigured));
        }
        CheckRules r = rules;
        CheckRules.SpikeRule rule = new CheckRules.SpikeRule(spike.minEvents(), spike.warnRatio(), spike.failRatio());
        return timed(Uni.createFrom().deferred(() -> reading.get()),
                (ms, value) -> r.platformSpike(name, what, ms, windowMinutes, value, rule, clock.instant()),
                (ms, e) -> r.platformFailed(name, ms, CheckRules.describe(e)));
    }

    /**
     * Applies the declaration policy inside an ops transaction: P0/P1 declares or attaches at once,
     * except for the schedule, which needs that many unhealthy results in a row (flap protection);
     * a lesser finding only joins an incident already open for the same cause.
     */
    Uni<Optional<IncidentLink>> link(IncidentStore.Tx tx, Confirmation c, String source) {
        boolean declareWorthy = c.severity() != null && c.severity().atLeast(Severity.P1);
        Uni<Boolean> mayDeclare;
        if (c.trigger() == Trigger.SCHEDULE) {
            mayDeclare = confirmations.streak(tx, Trigger.SCHEDULE, declareWorthy, c.fingerprint(), c.at())
                    .map(inARow -> declareWorthy && inARow >= schedule.consecutiveFailures());
        } else {
            mayDeclare = Uni.createFrom().item(declareWorthy);
        }
        return mayDeclare.flatMap(declare -> {
            if (c.fingerprint() == null) {
                return Uni.createFrom().item(Optional.<IncidentLink>empty());
            }
            if (declare) {
                return tx.declareOrAttach(c.fingerprint(), c.title(), c.severity(), source, c.at()).map(Optional::of);
            }
            return tx.openIncident(c.fingerprint()).map(open -> open.map(id -> new IncidentLink(id, false)));
        }).flatMap(link -> {
            Uni<Void> event = link.isEmpty() ? Uni.createFrom().voidItem()
                    : tx.addEvent(link.get().incidentId(), c.at(), "confirmation", source, summary(c), eventDetail(c));
            return event.flatMap(v -> confirmations.save(tx, c, link.map(IncidentLink::incidentId).orElse(null)))
                    .replaceWith(link);
        });
    }

    static String summary(Confirmation c) {
        return "confirm-outage: " + c.verdict().json() + (c.severity() == null ? "" : " " + c.severity().name())
                + (c.title() == null ? "" : " — " + c.title());
    }

    private static Map<String, Object> eventDetail(Confirmation c) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("verdict", c.verdict());
        detail.put("severity", c.severity());
        detail.put("trigger", c.trigger().id());
        detail.put("checks", c.checks());
        return detail;
    }

    private <T> Uni<CheckResult> timed(Uni<T> check, BiFunction<Double, T, CheckResult> ok,
            BiFunction<Double, Throwable, CheckResult> failed) {
        Duration timeout = config.checkTimeout();
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return check.ifNoItem().after(timeout)
                    .failWith(() -> new TimeoutException("no answer within " + timeout.toMillis() + " ms"))
                    .map(value -> ok.apply(elapsedMs(start), value))
                    .onFailure().recoverWithItem(e -> failed.apply(elapsedMs(start), e));
        });
    }

    /**
     * The target answered and refused a statement: a contract mismatch, a grant. Not: out of reach,
     * too slow, out of connections (asking again, three times over, would only add to that).
     */
    private static boolean refused(Throwable e) {
        if (e instanceof io.firebreak.db.DatabaseUnavailable) {
            return false;
        }
        if (e instanceof io.vertx.pgclient.PgException pg) {
            String state = pg.getSqlState() == null ? "" : pg.getSqlState();
            return !state.equals("57014") && !state.startsWith("53") && !state.startsWith("08");
        }
        return e instanceof io.firebreak.platform.FunctionError;
    }

    static double elapsedMs(long startNanos) {
        return CheckRules.round((System.nanoTime() - startNanos) / 1_000_000.0, 2);
    }
}
