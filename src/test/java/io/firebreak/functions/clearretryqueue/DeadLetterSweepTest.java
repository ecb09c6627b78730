package io.firebreak.functions.clearretryqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;

/** A dead-letter spike declares a P1 with its numbers, attaches on the next sweep, and dismisses nothing. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class DeadLetterSweepTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    DeadLetterSweep sweep;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void quiet() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(2);
        ops.quiet();
    }

    @Test
    void aSpikeDeclaresP1WithTheNumbersThenAttaches() {
        String storm = target.integration("Xero", true);
        target.syncLogs(storm, "dead_letter", 96, 60 * 12); // the day before: ~1 per 15-minute window
        target.syncLogs(storm, "dead_letter", 60, 5);
        target.syncLogs(storm, "retrying", 30, 5);
        String calm = target.integration("Sage", true);
        target.syncLogs(calm, "dead_letter", 960, 60 * 6); // always noisy: 10 per window
        target.syncLogs(calm, "dead_letter", 30, 5);        // 3x its usual: not a spike

        DeadLetterSweep.Result first = sweep.run().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, first.spikes().size());
        DeadLetterSweep.Spike spike = first.spikes().get(0);
        assertEquals(storm, spike.integrationId());
        assertEquals(60, spike.deadLetters());
        assertTrue(spike.declared());

        Map<String, Object> incident = ops.openIncidents().get(0);
        assertEquals("P1", incident.get("severity"));
        assertEquals("target/dead-letters/" + storm, incident.get("fingerprint"));
        assertEquals("ERP sync storm: Xero (xero) 60 dead letters in 15 min vs 1.0 usual", incident.get("title"));
        List<Map<String, Object>> timeline = ops.timeline(spike.incidentId());
        assertEquals(List.of("declared", "dead-letter-spike"), timeline.stream().map(e -> e.get("kind")).toList());
        assertTrue(timeline.get(1).get("detail").toString().contains("\"deadLetters\": 60"));

        DeadLetterSweep.Result second = sweep.run().await().atMost(Duration.ofSeconds(10));
        assertEquals(spike.incidentId(), second.spikes().get(0).incidentId());
        assertTrue(!second.spikes().get(0).declared(), "the second sweep attaches");
        assertEquals(1, ops.openIncidents().size());
        assertEquals(30, target.count("SELECT count(*) FROM erp_sync_logs WHERE sync_status = 'retrying'"),
                "the sweep dismisses nothing");
    }

    @Test
    void quietQueuesDeclareNothing() {
        String calm = target.integration("Odoo", true);
        target.syncLogs(calm, "dead_letter", 5, 3);
        assertTrue(sweep.run().await().atMost(Duration.ofSeconds(10)).spikes().isEmpty());
        assertTrue(ops.openIncidents().isEmpty());
    }
}
