package io.firebreak.incident;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakePagerDuty;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 001's PagerDuty rotation through the team outbox: a trigger per paged level with the incident id as
 * dedup_key (the same on every retry), acknowledge at a person's first act, resolve at resolution; 429 and 5xx
 * retried, 400 never; the fake refuses what PagerDuty refuses.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
@WithTestResource(FakePagerDuty.class)
class PagerDutyPagingTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    IncidentMessages messages;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        FakeSlack.answerNormally();
        FakePagerDuty.answerNormally();
    }

    private List<Map<String, Object>> rows(String id) {
        return ops.query("SELECT kind, recipient, state, attempts, last_error FROM team_messages WHERE incident_id = '" + id
                + "' AND channel = 'pagerduty' ORDER BY id");
    }

    /** The watch job's next run, now: every retry of this incident due. */
    private void retryNow(String id) {
        Sql.exec(db.ops(), "UPDATE team_messages SET next_attempt_at = now() - interval '1 second' WHERE incident_id = '" + id
                + "' AND state = 'pending'");
        messages.deliver().await().indefinitely();
    }

    @Test
    void declaringPagesLevelOneOnceWithTheIncidentIdAsDedupKey() {
        String id = Lifecycle.declare("PagerDuty checkout down", "P1", null);
        List<JsonNode> sent = FakePagerDuty.events(id);
        assertEquals(1, sent.size(), sent.toString());
        JsonNode trigger = sent.get(0);
        assertEquals("trigger", trigger.path("event_action").asText());
        assertEquals(FakePagerDuty.ROUTING_KEY, trigger.path("routing_key").asText());
        assertEquals("error", trigger.path("payload").path("severity").asText());
        assertEquals("firebreak", trigger.path("payload").path("source").asText());
        assertTrue(trigger.path("payload").path("summary").asText().contains("[P1]"));
        assertTrue(trigger.path("payload").path("summary").asText().contains("PagerDuty checkout down"));
        assertEquals("sent", rows(id).get(0).get("state"));
        // The routing key is a secret: never stored with the message, never on the timeline.
        assertEquals(0L, Sql.count(db.ops(), "SELECT count(*) FROM team_messages WHERE body LIKE '%"
                + FakePagerDuty.ROUTING_KEY + "%' OR recipient LIKE '%" + FakePagerDuty.ROUTING_KEY + "%'"));
        assertEquals(0L, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE summary LIKE '%"
                + FakePagerDuty.ROUTING_KEY + "%' OR detail::text LIKE '%" + FakePagerDuty.ROUTING_KEY + "%'"));
        // Seed 001's P0 is PagerDuty's critical.
        String p0 = Lifecycle.declare("PagerDuty everything down", "P0", null);
        assertEquals("critical", FakePagerDuty.events(p0).get(0).path("payload").path("severity").asText());
        assertEquals(List.of(), FakePagerDuty.contract().refusals());
    }

    @Test
    void aThrottledOrFailedTriggerIsRetriedWithTheSameDedupKeyAndNeverBlocksTheIncident() {
        FakePagerDuty.answer(429);
        String id = Lifecycle.declare("PagerDuty throttled", "P1", null);
        assertEquals("investigating", ops.query("SELECT status FROM incidents WHERE id = '" + id + "'").get(0).get("status"));
        assertEquals("pending", rows(id).get(0).get("state"));
        FakePagerDuty.answer(500);
        retryNow(id);
        assertEquals("pending", rows(id).get(0).get("state"));
        FakePagerDuty.answerNormally();
        retryNow(id);
        Map<String, Object> row = rows(id).get(0);
        assertEquals("sent", row.get("state"));
        assertEquals(3, ((Number) row.get("attempts")).intValue());
        // answerNormally forgot the two refused requests: the retry that got through carries the same key and body.
        List<JsonNode> sent = FakePagerDuty.events(id);
        assertEquals(1, sent.size());
        assertEquals("trigger", sent.get(0).path("event_action").asText());
        retryNow(id);
        assertEquals(1, FakePagerDuty.events(id).size(), "a sent trigger is not sent again");
        assertEquals(List.of(), FakePagerDuty.contract().refusals());
    }

    @Test
    void everyAttemptOfOneTriggerCarriesTheSameDedupKey() {
        FakePagerDuty.answer(500);
        String id = Lifecycle.declare("PagerDuty flaky", "P2", null);
        retryNow(id);
        List<JsonNode> sent = FakePagerDuty.events(id);
        assertEquals(2, sent.size());
        assertEquals(sent.get(0), sent.get(1));
        assertEquals("warning", sent.get(0).path("payload").path("severity").asText());
    }

    @Test
    void anInvalidEventIsDeadAtOnceAndNeverRetried() {
        FakePagerDuty.answer(400);
        String id = Lifecycle.declare("PagerDuty refuses", "P1", null);
        Map<String, Object> row = rows(id).get(0);
        assertEquals("dead", row.get("state"));
        assertEquals(1, ((Number) row.get("attempts")).intValue());
        assertTrue(String.valueOf(row.get("last_error")).contains("HTTP 400 invalid event"), String.valueOf(row.get("last_error")));
        retryNow(id);
        assertEquals(1, FakePagerDuty.events(id).size());
        assertEquals(1L, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'message-failed'"));
    }

    @Test
    void theFirstHumanActAcknowledgesAndResolutionResolves() {
        String id = Lifecycle.declare("PagerDuty lifecycle", "P1", "\"commander\":\"ada\"");
        // As a monitor's declaration leaves it: paged, nobody has acted yet.
        Sql.exec(db.ops(), "UPDATE incidents SET acknowledged_at = NULL, acknowledged_by = NULL WHERE id = '" + id + "'");
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Looking at the payment gateway\"}")
                .statusCode(200);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Rolling back\"}").statusCode(200);
        List<String> actions = FakePagerDuty.events(id).stream().map(e -> e.path("event_action").asText()).toList();
        assertEquals(List.of("trigger", "acknowledge"), actions);
        JsonNode ack = FakePagerDuty.events(id).get(1);
        assertEquals(FakePagerDuty.ROUTING_KEY, ack.path("routing_key").asText());

        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back\",\"force\":true,"
                + "\"reason\":\"the probe schedule was off\"}").statusCode(200).body("forced", is(true));
        actions = FakePagerDuty.events(id).stream().map(e -> e.path("event_action").asText()).toList();
        assertEquals(List.of("trigger", "acknowledge", "resolve"), actions);
        assertEquals(List.of(), FakePagerDuty.contract().refusals());
    }

    @Test
    void aFirstActThatAlsoPagesSendsTheTriggerBeforeItsAcknowledge() {
        // A monitor's declaration that no level was paged for yet (level 0), then a person raises its severity: the
        // raise pages level 1 and the act acknowledges; PagerDuty must get the trigger first, or the acknowledge
        // falls on no alert and the alert rings for an incident someone is handling.
        String id = "INC-2026-12-30-" + (800 + new java.util.Random().nextInt(199));
        Sql.exec(db.ops(), "INSERT INTO incidents (id, title, severity, fingerprint, source, opened_at) VALUES ('" + id
                + "', 'Monitor saw checkout fail', 'P2', 'test/pd-order-" + id + "', 'monitor', now())");
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"severity\":\"P0\",\"reason\":\"all tenants\"}")
                .statusCode(200);
        for (int run = 0; run < 3 && FakePagerDuty.events(id).size() < 2; run++) {
            retryNow(id);
        }
        assertEquals(List.of("trigger", "acknowledge"), FakePagerDuty.events(id).stream()
                .map(e -> e.path("event_action").asText()).toList());
        assertEquals(List.of(), FakePagerDuty.contract().refusals());
    }

    @Test
    void aResolveNeverOvertakesATriggerStillBeingRetried() {
        FakePagerDuty.answer(429);
        String id = Lifecycle.declare("PagerDuty resolve waits", "P1", "\"commander\":\"ada\"");
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Recovered\",\"force\":true,"
                + "\"reason\":\"the probe schedule was off\"}").statusCode(200);
        assertEquals(List.of("trigger"), FakePagerDuty.events(id).stream().map(e -> e.path("event_action").asText()).toList(),
                "the resolve waits for the trigger");
        FakePagerDuty.answerNormally();
        for (int run = 0; run < 3 && FakePagerDuty.events(id).size() < 2; run++) {
            retryNow(id);
        }
        assertEquals(List.of("trigger", "resolve"), FakePagerDuty.events(id).stream().map(e -> e.path("event_action").asText())
                .toList());
        assertEquals(List.of("sent", "sent"), rows(id).stream().map(r -> r.get("state")).toList());
    }

    @Test
    void aLevelWithoutPagerDutyIsNotPagedAndEverythingElseGoesOut() {
        String id = Lifecycle.declare("PagerDuty level two", "P1", null);
        // Raising the severity escalates to level 2 (Team lead), which names no PagerDuty service here.
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"severity\":\"P0\",\"reason\":\"all tenants now\"}")
                .statusCode(200);
        assertEquals(List.of("trigger"), FakePagerDuty.events(id).stream().map(e -> e.path("event_action").asText()).toList());
        assertEquals(1, rows(id).size());
        assertTrue(FakeSlack.postsContaining(id).size() >= 2, "Slack still gets the declaration and the escalation");
        assertEquals("level 2 is not paged through PagerDuty", messages.pagingSkipped(2));
    }
}
