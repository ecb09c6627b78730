package io.firebreak.functions.watchincidents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.Severity;
import io.firebreak.incident.SeverityScale;

/** The escalation and cadence rules, and the seeds' severity scales, without a database. */
class EscalationRulesTest {

    static final Instant T0 = Instant.parse("2026-11-23T13:00:00Z");

    record Level(String name, Duration after) implements IncidentConfig.Level {
        public Optional<List<String>> slack() {
            return Optional.empty();
        }

        public Optional<List<String>> email() {
            return Optional.empty();
        }

        public Optional<String> pagerduty() {
            return Optional.empty();
        }
    }

    static final List<IncidentConfig.Level> SEED_004 = List.of(new Level("On-call engineer", Duration.ZERO),
            new Level("Team lead", Duration.ofMinutes(15)), new Level("Engineering manager", Duration.ofMinutes(30)),
            new Level("CTO", Duration.ofMinutes(60)));

    static Incident incident(Severity rank, int level, Instant acked, Instant lastUpdate, Incident.Reminders reminders) {
        SeverityScale scale = new SeverityScale("p0-p3", null);
        Instant due = lastUpdate == null ? null
                : scale.level(rank).updateEvery().map(lastUpdate::plus).orElse(null);
        return new Incident("INC-2026-11-23-001", "t", rank.name(), "investigating", null, "test", T0, null, null, null,
                acked, acked == null ? null : "ada", Map.of(), level, lastUpdate, due, null, List.of(), null, null, null,
                new Incident.Postmortem(null, null, null, null), List.of(), rank, reminders, null, null);
    }

    Optional<EscalationRules.Decision> at(Incident i, int minutes) {
        return EscalationRules.escalation(i, T0.plus(Duration.ofMinutes(minutes)), SEED_004, 2,
                new SeverityScale("p0-p3", null).level(i.rank()));
    }

    @Test
    void aP0ClimbsByElapsedTimeEvenWhenAcknowledged() {
        Incident acked = incident(Severity.P0, 1, T0, T0, new Incident.Reminders(null, null));
        assertTrue(at(acked, 14).isEmpty());
        assertEquals(2, at(acked, 15).orElseThrow().level());
        assertEquals(3, at(incident(Severity.P0, 2, T0, T0, null), 31).orElseThrow().level());
        assertEquals(4, at(incident(Severity.P0, 3, T0, T0, null), 60).orElseThrow().level());
        assertTrue(at(incident(Severity.P0, 4, T0, T0, null), 600).isEmpty(), "no level above the last");
    }

    @Test
    void aLowSeverityClimbsOnlyWhenNobodyAcknowledges() {
        assertTrue(at(incident(Severity.P2, 1, T0, T0, null), 200).isEmpty(), "acknowledged P2: not time-escalated");
        EscalationRules.Decision d = at(incident(Severity.P2, 1, null, T0, null), 4 * 60).orElseThrow();
        assertEquals(2, d.level());
        assertEquals("not acknowledged within 4 h (P2 response time)", d.reason());
        assertEquals(3, at(incident(Severity.P2, 2, null, T0, null), 8 * 60).orElseThrow().level());
    }

    @Test
    void aNewIncidentAtLevelZeroPagesLevelOne() {
        assertEquals("open incident: paging level 1", at(incident(Severity.P3, 0, null, T0, null), 0).orElseThrow().reason());
    }

    @Test
    void theCadenceRemindsBeforeAndAfterTheDueTimeOnce() {
        Duration lead = Duration.ofMinutes(5);
        Incident i = incident(Severity.P1, 1, T0, T0, new Incident.Reminders(null, null));
        assertEquals(EscalationRules.Cadence.NONE, EscalationRules.cadence(i, T0.plus(Duration.ofMinutes(24)), lead));
        assertEquals(EscalationRules.Cadence.DUE_SOON, EscalationRules.cadence(i, T0.plus(Duration.ofMinutes(25)), lead));
        assertEquals(EscalationRules.Cadence.OVERDUE, EscalationRules.cadence(i, T0.plus(Duration.ofMinutes(30)), lead));
        Incident reminded = incident(Severity.P1, 1, T0, T0,
                new Incident.Reminders(T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(30))));
        assertEquals(EscalationRules.Cadence.NONE, EscalationRules.cadence(reminded, T0.plus(Duration.ofMinutes(40)), lead));
        assertEquals(EscalationRules.Cadence.NONE,
                EscalationRules.cadence(incident(Severity.P3, 1, T0, T0, null), T0.plus(Duration.ofDays(3)), lead),
                "P3 has no update cadence");
    }

    @Test
    void theSeedsScalesReadTheirOwnLabels() {
        SeverityScale sev = new SeverityScale("sev1-sev4", null);
        assertEquals(Severity.P0, sev.parse("SEV-1").orElseThrow());
        assertEquals(Duration.ofMinutes(30), sev.level(Severity.P0).updateEvery().orElseThrow());
        assertTrue(sev.parse("P0").isEmpty());
        SeverityScale p14 = new SeverityScale("p1-p4", null);
        assertEquals(Severity.P0, p14.parse("p1").orElseThrow(), "seed 004's P1 is the most severe");
        assertEquals("P4", p14.label(Severity.P3));
        assertEquals(Duration.ofMinutes(15), new SeverityScale("p0-p3", null).level(Severity.P0).updateEvery().orElseThrow());
    }
}
