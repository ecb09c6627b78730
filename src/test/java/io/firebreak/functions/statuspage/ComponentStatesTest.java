package io.firebreak.functions.statuspage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.firebreak.incident.Severity;
import io.firebreak.incident.StatusComponents.Component;

/** The derivation rules and the 90-day arithmetic, without a database: what wins, and how downtime is weighed. */
class ComponentStatesTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Component API = new Component("api", "API", "", "Platform", List.of("database"), List.of("api-keys"),
            List.of("target/dead-letters/*"));

    static StatusReads.OpenIncident open(String fingerprint, Severity rank, Instant opened, Instant resolved) {
        return new StatusReads.OpenIncident("INC-2026-12-01-001", fingerprint, rank, opened, resolved);
    }

    static String state(StatusReads.Override o, List<StatusView.MaintenanceView> m, List<StatusReads.OpenIncident> i,
            StatusReads.Probe p) {
        return ComponentStates.derive(API, NOW, o, m, List.of(), i, p)[0];
    }

    @Test
    void strongestFirstOverrideThenMaintenanceThenTheWorstSignal() {
        var p1 = List.of(open("check/api-keys", Severity.P1, NOW.minusSeconds(600), null));
        var maintenance = List.of(new StatusView.MaintenanceView("MNT-2026-12-01-abcdef", "m", "b", List.of("api"),
                NOW.minusSeconds(60), NOW.plusSeconds(600), NOW.minusSeconds(3600), null, "in_progress"));
        assertEquals("partial_outage", state(null, List.of(), p1, null));
        assertEquals("under_maintenance", state(null, maintenance, p1, null));
        assertEquals("major_outage", state(new StatusReads.Override("major_outage", NOW, null), maintenance, p1, null));
        assertEquals("partial_outage", state(new StatusReads.Override("major_outage", NOW.minusSeconds(120),
                NOW.minusSeconds(60)), List.of(), p1, null), "an expired override is ignored");
        var failing = new StatusReads.Probe(NOW, "outage", Map.of("database", "fail"));
        assertEquals("major_outage", state(null, List.of(), p1, failing), "the worst of incident and probe");
        assertEquals("operational", state(null, List.of(), List.of(open("check/other", Severity.P0, NOW, null)), null));
        assertEquals("degraded_performance", state(null, List.of(),
                List.of(open("target/dead-letters/42", Severity.P2, NOW, null)), null), "a fingerprint prefix");
    }

    @Test
    void downtimeWeighsMajorInFullPartialAtThirtyPercentAndUnmeasuredDaysHaveNoBar() {
        Instant yesterdayNoon = NOW.minus(Duration.ofDays(1));
        var incidents = List.of(open("target/database", Severity.P0, yesterdayNoon, yesterdayNoon.plusSeconds(3600)),
                open("check/api-keys", Severity.P1, NOW.minus(Duration.ofDays(2)),
                        NOW.minus(Duration.ofDays(2)).plusSeconds(6000)));
        var days = Uptime.days(API, NOW, 90, incidents, List.of(), Map.of("2026-11-28", new long[] {100, 10}));
        assertEquals(90, days.size());
        StatusView.Day yesterday = days.get(88);
        assertEquals("2026-11-30", yesterday.date());
        assertEquals(60, yesterday.downtimeMinutes());
        assertEquals("major_outage", yesterday.worst());
        assertEquals(30, days.get(87).downtimeMinutes(), "100 min of partial outage count as 30");
        assertEquals(144, days.get(86).downtimeMinutes(), "10 % of the day's probes failing");
        assertFalse(days.get(0).measured());
        assertNull(days.get(0).uptimePercent());
        assertTrue(Uptime.percent(days) < 100 && Uptime.percent(days) > 90);
        assertNull(Uptime.percent(Uptime.days(API, NOW, 90, List.of(), List.of(), Map.of())), "nothing measured yet");
    }

    @Test
    void overlappingIncidentsCountOnceAndAPostCountsFromItsTimeToTheNext() {
        Instant day = NOW.minus(Duration.ofDays(3)).minusSeconds(3600);
        var both = List.of(open("target/database", Severity.P0, day, day.plusSeconds(3 * 3600)),
                new StatusReads.OpenIncident("INC-2026-11-28-002", "check/api-keys", Severity.P0, day,
                        day.plusSeconds(3 * 3600)));
        assertEquals(180, Uptime.days(API, NOW, 90, both, List.of(), Map.of()).get(86).downtimeMinutes(),
                "two outages at once are one outage");
        Instant opened = NOW.minus(Duration.ofDays(1));
        var incident = new StatusReads.OpenIncident("INC-2026-11-30-001", "declared/x", Severity.P0, opened,
                opened.plusSeconds(5 * 3600));
        var posts = List.of(new StatusView.IncidentView("INC-2026-11-30-001", "n", "resolved", "critical", opened, opened,
                null, opened.plusSeconds(5 * 3600), null, null, List.of(
                        new StatusView.Update(2, "identified", "better", opened.plusSeconds(600),
                                Map.of("api", "degraded_performance")),
                        new StatusView.Update(1, "investigating", "down", opened, Map.of("api", "major_outage"))),
                Map.of("api", "degraded_performance")));
        assertEquals(10, Uptime.days(API, NOW, 90, List.of(incident), posts, Map.of()).get(88).downtimeMinutes(),
                "10 minutes of major outage, then degraded (not downtime) until resolved");
    }
}
