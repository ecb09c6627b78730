package io.firebreak.functions.confirmoutage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.firebreak.functions.confirmoutage.TargetDiagnostics.AuditCount;
import io.firebreak.functions.confirmoutage.TargetDiagnostics.ConnectionUsage;
import io.firebreak.incident.Severity;

/** Every threshold of the documented severity rule, without a database. */
class CheckRulesTest {

    static final ConfirmOutageConfig DEFAULTS = new ConfirmOutageConfig() {
        public Duration checkTimeout() { return Duration.ofMillis(1800); }
        public Duration recordTimeout() { return Duration.ofMillis(1000); }
        public Duration slowThreshold() { return Duration.ofMillis(1000); }
        public int defaultWindowMinutes() { return 10; }
        public Duration shareWindow() { return Duration.ZERO; }
        public Audit audit() {
            return new Audit() {
                public int minEvents() { return 20; }
                public double warnRatio() { return 3; }
                public double failRatio() { return 10; }
                public Duration baselineTtl() { return Duration.ofSeconds(60); }
            };
        }
        public Connections connections() {
            return new Connections() {
                public double warnRatio() { return 0.8; }
                public double failRatio() { return 0.95; }
            };
        }
    };

    final CheckRules rules = new CheckRules(DEFAULTS);

    @Test
    void connectionsAgainstWhatNonSuperusersMayOpen() {
        // 100 max, 3 reserved: 97 usable.
        assertEquals(CheckStatus.OK, rules.connections(1, new ConnectionUsage(77, 5, 0, 100, 3)).status());
        CheckResult warn = rules.connections(1, new ConnectionUsage(78, 5, 0, 100, 3));
        assertEquals(CheckStatus.WARN, warn.status());
        assertEquals(Severity.P2, warn.severity());
        CheckResult fail = rules.connections(1, new ConnectionUsage(93, 5, 0, 100, 3));
        assertEquals(CheckStatus.FAIL, fail.status());
        assertEquals(Severity.P1, fail.severity());
    }

    @Test
    void auditSpikeRatiosAndTheMinimumCount() {
        // 720 a day over 144 windows = 5 per window.
        Map<String, Long> baseline = Map.of("export", 720L);
        assertEquals(CheckStatus.OK, rules.auditSpike(1, 10, List.of(new AuditCount("export", 14, 3)), baseline).status());
        assertEquals(CheckStatus.OK, rules.auditSpike(1, 10, List.of(new AuditCount("export", 15, 3)), baseline).status(),
                "3x the baseline, but under the minimum count");
        assertEquals(CheckStatus.WARN, rules.auditSpike(1, 10, List.of(new AuditCount("export", 20, 3)), baseline).status(),
                "4x the baseline and at the minimum count");
    }

    @Test
    void minimumCountGuardsRareActions() {
        Map<String, Long> none = Map.of();
        assertEquals(CheckStatus.OK, rules.auditSpike(1, 10, List.of(new AuditCount("rare", 19, 1)), none).status());
        CheckResult novel = rules.auditSpike(1, 10, List.of(new AuditCount("rare", 20, 1)), none);
        assertEquals(CheckStatus.FAIL, novel.status(), "an action type never seen before, 20 times");
        assertEquals(Severity.P1, novel.severity());
    }

    @Test
    void warnBetweenTheRatiosFailAtTheFailRatio() {
        Map<String, Long> baseline = Map.of("login_failed", 1440L); // 10 per window
        CheckResult warn = rules.auditSpike(1, 10, List.of(new AuditCount("login_failed", 30, 9)), baseline);
        assertEquals(CheckStatus.WARN, warn.status());
        assertEquals(Severity.P2, warn.severity());
        CheckResult fail = rules.auditSpike(1, 10, List.of(new AuditCount("login_failed", 100, 40)), baseline);
        assertEquals(CheckStatus.FAIL, fail.status());
        assertEquals("login_failed: 100 in 10 min vs 10.0 usual (10×) across 40 tenants", fail.summary());
    }

    @Test
    void baselineScalesWithTheWindow() {
        // 1440 a day = 1 a minute = 60 per hour-long window; 200 in the hour is 3.3x.
        CheckResult r = rules.auditSpike(1, 60, List.of(new AuditCount("login", 200, 9)), Map.of("login", 1440L));
        assertEquals(CheckStatus.WARN, r.status());
    }

    @Test
    void slowDatabaseWarnsDeadDatabaseIsP0() {
        assertEquals(CheckStatus.OK, rules.database(999, 3).status());
        assertEquals(Severity.P2, rules.database(1001, 3).severity());
        CheckResult dead = rules.databaseFailed(1800, new TimeoutException("no answer within 1800 ms"));
        assertEquals(Severity.P0, dead.severity());
        assertEquals("not responding: no answer within 1800 ms", dead.summary());
        CheckResult mismatch = rules.databaseFailed(4, new io.firebreak.platform.FunctionError(409,
                "target_contract_mismatch", "the target database does not match firebreak's contract: relation "
                        + "\"public.tenants\" does not exist", null));
        assertEquals(Severity.P2, mismatch.severity(), "it answered: not an outage");
        assertTrue(mismatch.summary().startsWith("responding, but the target database does not match"), mismatch.summary());
    }

    @Test
    void healthUrlStatuses() {
        assertEquals(CheckStatus.OK, rules.appHealth(5, "u", 204).status());
        assertEquals(CheckStatus.OK, rules.appHealth(5, "u", 302).status());
        assertEquals(Severity.P0, rules.appHealth(5, "u", 500).severity());
        assertEquals(Severity.P0, rules.appHealth(5, "u", 404).severity());
        assertEquals(Severity.P2, rules.appHealth(1500, "u", 200).severity());
    }

    @Test
    void verdictSeverityAndCause() {
        Instant at = Instant.parse("2026-11-23T10:00:00Z");
        CheckResult dbDown = rules.databaseFailed(10, new RuntimeException("Connection refused"));
        CheckResult connFailed = rules.queryFailed(CheckRules.CONNECTIONS, 10, new RuntimeException("Connection refused"));
        CheckResult skipped = CheckResult.skipped(CheckRules.APP_HEALTH, "not set");
        Confirmation outage = CheckRules.conclude(at, Trigger.HTTP, List.of(dbDown, skipped, connFailed), 12);
        assertEquals(Verdict.OUTAGE, outage.verdict());
        assertEquals(Severity.P0, outage.severity());
        assertEquals("target/database", outage.fingerprint());
        assertEquals("Outage: database not responding: Connection refused", outage.title());

        CheckResult okDb = rules.database(3, 5);
        Confirmation warnOnly = CheckRules.conclude(at, Trigger.HTTP,
                List.of(okDb, skipped, rules.connections(1, new ConnectionUsage(80, 1, 0, 100, 3))), 5);
        assertEquals(Verdict.DEGRADED, warnOnly.verdict());
        assertEquals(Severity.P2, warnOnly.severity());
        assertEquals("target/connections", warnOnly.fingerprint());

        Confirmation healthy = CheckRules.conclude(at, Trigger.HTTP, List.of(okDb, skipped), 5);
        assertEquals(Verdict.HEALTHY, healthy.verdict());
        assertNull(healthy.severity());
        assertNull(healthy.fingerprint());
    }

    @Test
    void vendorTroubleIsShownWithTheVerdictButNeverRaisesItsSeverity() {
        var d = new io.firebreak.providers.vendorstatus.Dependency("supabase", "Supabase",
                io.firebreak.providers.vendorstatus.Dependency.Kind.INCIDENT_IO, java.net.URI.create("https://status.supabase.com"),
                List.of("Database"), 200, List.of());
        var page = new io.firebreak.providers.vendorstatus.VendorPage(
                io.firebreak.providers.vendorstatus.VendorPage.Level.CRITICAL, "1 ongoing incident",
                List.of(new io.firebreak.providers.vendorstatus.VendorPage.Component("Database", null, "major_outage", null)),
                List.of(), List.of());
        Instant at = Instant.parse("2026-12-01T13:05:00Z");
        CheckResult trouble = rules.dependencies(12, List.of(io.firebreak.providers.vendorstatus.VendorReport.of(d, page, at),
                io.firebreak.providers.vendorstatus.VendorReport.failed(d, "no answer within 1600 ms", at)));
        assertEquals(CheckStatus.WARN, trouble.status());
        assertNull(trouble.severity());
        assertTrue(trouble.summary().startsWith("Supabase reports a major outage: Database"), trouble.summary());
        assertTrue(trouble.summary().endsWith("not read: supabase"), trouble.summary());
        CheckResult none = rules.dependencies(12, List.of(io.firebreak.providers.vendorstatus.VendorReport.failed(d,
                "status.supabase.com: Name or service not known", at)));
        assertEquals("no vendor page could be read (not counted): supabase", none.summary());
        assertNull(none.severity());
        Confirmation c = CheckRules.conclude(at, Trigger.HTTP, List.of(rules.database(3, 50), trouble), 15);
        assertEquals(Verdict.HEALTHY, c.verdict());
        assertNull(c.severity());
        Confirmation slow = CheckRules.conclude(at, Trigger.HTTP, List.of(rules.database(1500, 50), trouble), 15);
        assertEquals("target/database", slow.fingerprint(), "a vendor is never the cause");
        assertEquals(List.of(CheckRules.DATABASE, CheckRules.APP_HEALTH, CheckRules.CONNECTIONS, CheckRules.AUDIT_SPIKE,
                CheckRules.EDGE_FUNCTIONS, CheckRules.SENTRY), CheckRules.CAUSE_ORDER);
        CheckResult failed = rules.dependenciesFailed(1800, new TimeoutException());
        assertNull(failed.severity());
    }

    static PlatformSignals.Reading reading(long window, long baseline, int windowMinutes) {
        java.time.Instant at = Instant.parse("2026-12-01T12:00:00Z");
        return new PlatformSignals.Reading(new PlatformSignals.Count(window, 1000, at, null),
                new PlatformSignals.Count(baseline, -1, at, null), 1440 - windowMinutes);
    }

    @Test
    void platformSpikesFollowTheAuditSpikesRule() {
        CheckRules.SpikeRule rule = new CheckRules.SpikeRule(20, 3, 10);
        Instant now = Instant.parse("2026-12-01T12:00:30Z");
        // 1430 over 143 windows of 10 minutes: 10 usual.
        CheckResult ok = rules.platformSpike(CheckRules.EDGE_FUNCTIONS, "5xx", 5, 10, reading(29, 1430, 10), rule, now);
        assertEquals(CheckStatus.OK, ok.status());
        assertNull(ok.severity());
        CheckResult warn = rules.platformSpike(CheckRules.EDGE_FUNCTIONS, "5xx", 5, 10, reading(30, 1430, 10), rule, now);
        assertEquals(CheckStatus.WARN, warn.status());
        assertEquals(Severity.P2, warn.severity());
        assertEquals(30L, warn.detail().get("readingAgeSeconds"));
        CheckResult fail = rules.platformSpike(CheckRules.SENTRY, "errors", 5, 10, reading(100, 1430, 10), rule, now);
        assertEquals(CheckStatus.FAIL, fail.status());
        assertEquals(Severity.P1, fail.severity());
        // Never seen before: the baseline floors at 1, and the minimum of events decides.
        assertEquals(CheckStatus.OK, rules.platformSpike(CheckRules.SENTRY, "errors", 5, 10, reading(19, 0, 10), rule, now).status());
        assertEquals(Severity.P1, rules.platformSpike(CheckRules.SENTRY, "errors", 5, 10, reading(20, 0, 10), rule, now).severity());
        // A whole-day window has no baseline before it inside 24 h: shown, never judged (20 errors a day is no P1).
        CheckResult day = rules.platformSpike(CheckRules.SENTRY, "errors", 5, 1440, reading(500, 0, 1440), rule, now);
        assertEquals(CheckStatus.OK, day.status());
        assertNull(day.severity());
        assertTrue(day.summary().contains("no baseline inside 24 h"), day.summary());
        assertNull(rules.platformSpike(CheckRules.SENTRY, "errors", 5, 900, reading(500, 0, 900), rule, now).severity(),
                "less than one window of history");
    }

    @Test
    void aPlatformReadingThatFailedIsShownAndNeverCounted() {
        java.time.Instant at = Instant.parse("2026-12-01T12:00:00Z");
        PlatformSignals.Reading r = new PlatformSignals.Reading(new PlatformSignals.Count(0, -1, at, "Sentry answered HTTP 500"),
                new PlatformSignals.Count(0, -1, at, null), 1430);
        CheckResult failed = rules.platformSpike(CheckRules.SENTRY, "errors", 5, 10, r, new CheckRules.SpikeRule(20, 3, 10), at);
        assertEquals(CheckStatus.SKIPPED, failed.status(), "the public page and the verdict ignore an unread provider");
        assertNull(failed.severity());
        Confirmation c = CheckRules.conclude(at, Trigger.SCHEDULE, List.of(failed), 5);
        assertEquals(Verdict.HEALTHY, c.verdict());
    }

    @Test
    void onATieTheDatabaseSideExplainsThePlatform() {
        java.time.Instant at = Instant.parse("2026-12-01T12:00:00Z");
        CheckResult audit = new CheckResult(CheckRules.AUDIT_SPIKE, CheckStatus.FAIL, 1, "x", Map.of(), Severity.P1);
        CheckResult edge = new CheckResult(CheckRules.EDGE_FUNCTIONS, CheckStatus.FAIL, 1, "y", Map.of(), Severity.P1);
        CheckResult sentry = new CheckResult(CheckRules.SENTRY, CheckStatus.FAIL, 1, "z", Map.of(), Severity.P1);
        assertEquals("target/audit-spike", CheckRules.conclude(at, Trigger.HTTP, List.of(sentry, edge, audit), 1).fingerprint());
        assertEquals("target/edge-functions", CheckRules.conclude(at, Trigger.HTTP, List.of(sentry, edge), 1).fingerprint());
    }
}
