package io.firebreak.functions.confirmoutage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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

/** The scheduled probe, run on demand as the schedule (in-process or EventBridge) runs it. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class ScheduledProbeTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    ScheduledProbe probe;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        FakeApp.answer(200, 0);
    }

    @Test
    void scheduledProbeDeclaresOnlyOnTheSecondUnhealthyResultInARow() {
        FakeApp.answer(500, 0);
        ConfirmOutageResult first = probe.run().await().atMost(Duration.ofSeconds(5));
        assertEquals("outage", first.verdict().json());
        assertNull(first.incidentId(), "one failing probe is not enough");

        FakeApp.answer(200, 0);
        assertNull(probe.run().await().atMost(Duration.ofSeconds(5)).incidentId());

        FakeApp.answer(500, 0);
        assertNull(probe.run().await().atMost(Duration.ofSeconds(5)).incidentId(), "the healthy probe reset the streak");
        ConfirmOutageResult declared = probe.run().await().atMost(Duration.ofSeconds(5));
        assertNotNull(declared.incidentId());
        assertEquals("declared", declared.incidentAction());
        assertEquals("schedule:confirm-outage", ops.timeline(declared.incidentId()).get(0).get("source"));

        // Once open, even a single scheduled failure attaches.
        ConfirmOutageResult attached = probe.run().await().atMost(Duration.ofSeconds(5));
        assertEquals(declared.incidentId(), attached.incidentId());
        assertEquals("attached", attached.incidentAction());
    }

}
