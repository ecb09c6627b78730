package io.firebreak.functions.confirmoutage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;

/**
 * The scheduled probe, run on demand as the schedule (in-process or EventBridge) runs it: a first
 * P0/P1 result is confirmed by a re-probe in the same run (firebreak.probe.confirm-after, 300 ms in
 * the tests), so two in a row declare within one run and a blip in between pages nobody.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class ScheduledProbeTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    ScheduledProbe probe;

    @Inject
    ProbeScheduleConfig schedule;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        FakeApp.answer(200, 0);
    }

    @Test
    void aFirstOutageIsConfirmedByAReprobeInTheSameRunAndDeclared() {
        assertEquals(Duration.ofMillis(300), schedule.confirmAfter(), "the test profile's confirm-after");
        FakeApp.answer(500, 0);
        long before = ops.count("confirmations");
        long start = System.nanoTime();
        ConfirmOutageResult declared = probe.run().await().atMost(Duration.ofSeconds(10));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("outage", declared.verdict().json());
        assertEquals("declared", declared.incidentAction(), "the re-probe made it two in a row");
        assertNotNull(declared.incidentId());
        assertEquals(2, FakeApp.requests(), "one probe and one confirming re-probe");
        assertTrue(tookMs >= 300, "the re-probe waited confirm-after (" + tookMs + " ms)");
        assertEquals(before + 2, ops.count("confirmations"), "both probes are evidence");
        assertEquals("schedule:confirm-outage", ops.timeline(declared.incidentId()).get(0).get("source"));

        // Once open, a scheduled failure attaches at once: no re-probe.
        ConfirmOutageResult attached = probe.run().await().atMost(Duration.ofSeconds(5));
        assertEquals(declared.incidentId(), attached.incidentId());
        assertEquals("attached", attached.incidentAction());
        assertEquals(3, FakeApp.requests());
    }

    @Test
    void aBlipThatPassesBeforeTheReprobePagesNobody() {
        long confirmations = ops.count("confirmations");
        long incidents = ops.count("incidents");
        FakeApp.answers(500, 200);
        ConfirmOutageResult result = probe.run().await().atMost(Duration.ofSeconds(10));
        assertEquals("healthy", result.verdict().json(), "the run answers the confirming re-probe's result");
        assertNull(result.incidentId());
        assertEquals(incidents, ops.count("incidents"));
        assertEquals(confirmations + 2, ops.count("confirmations"));

        // The healthy re-probe reset the streak: the next failure starts from one again.
        FakeApp.answers(500, 200);
        assertNull(probe.run().await().atMost(Duration.ofSeconds(10)).incidentId());
        assertEquals(incidents, ops.count("incidents"));
    }

    @Test
    void healthyResultsAreNotReprobed() {
        long confirmations = ops.count("confirmations");
        assertEquals("healthy", probe.run().await().atMost(Duration.ofSeconds(5)).verdict().json());
        assertEquals(1, FakeApp.requests());
        assertEquals(confirmations + 1, ops.count("confirmations"));
    }
}
