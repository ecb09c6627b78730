package io.firebreak.functions.watchincidents;

import static io.firebreak.testing.Lifecycle.call;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestClock;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Escalation, update cadence and post-mortem reminders, driven by a clock the test moves (no sleeping). */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class WatchIncidentsFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        ops.query("UPDATE incidents SET postmortem_written_at = now() RETURNING id");
        FakeSlack.answerNormally();
        FakeMessaging.acceptEmail();
    }

    @AfterEach
    void realTime() {
        TestClock.reset();
        FakeApp.answer(200, 0);
    }

    static ValidatableResponse watch() {
        return call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
    }

    List<String> kinds(String id) {
        return ops.timeline(id).stream().map(e -> (String) e.get("kind")).toList();
    }

    long count(String id, String kind) {
        return kinds(id).stream().filter(kind::equals).count();
    }

    String autoDeclaredP0() {
        FakeApp.answer(503, 0);
        String id = given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage").then()
                .statusCode(200).extract().path("incidentId");
        FakeApp.answer(200, 0);
        return id;
    }

    @jakarta.inject.Inject
    IncidentWatch watcher;

    @Test
    void anAutoDeclaredIncidentIsPagedRightAfterItsDeclarationNotAtTheNextRun() {
        // What FIREBREAK_PAGE_AT_DECLARATION=background does once the declaration commits (off in the tests).
        String id = autoDeclaredP0();
        assertEquals(0, count(id, "escalated"));
        var found = watcher.pageNow(id).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of("escalated"), found.stream().map(IncidentWatch.Finding::kind).filter("escalated"::equals).toList());
        assertEquals(1, count(id, "escalated"), "level 1 paged");
        assertEquals(1, FakeSlack.posts().stream().filter(p -> p.path("channel").asText().equals("#oncall")).count(),
                "and sent, not left for the outbox schedule");
        // The next run finds nothing left to page, and a second follow-up pages nobody twice.
        watch();
        watcher.pageNow(id).await().atMost(Duration.ofSeconds(10));
        assertEquals(1, count(id, "escalated"));
        assertEquals(1, FakeSlack.posts().stream().filter(p -> p.path("channel").asText().equals("#oncall")).count());
    }

    @Test
    void anUnacknowledgedP0ClimbsTheChainAndTheCommanderIsRemindedOfUpdates() {
        String id = autoDeclaredP0();

        watch().body("findings.kind", org.hamcrest.Matchers.hasItem("escalated"));
        assertEquals(1, count(id, "escalated"), "level 1 paged for an incident a monitor declared");
        assertEquals(1, FakeSlack.posts().stream().filter(p -> p.path("channel").asText().equals("#oncall")).count());
        assertTrue(kinds(id).contains("channel-created"), "the watch opens the channel of an auto-declared incident");

        TestClock.advance(Duration.ofMinutes(11));
        watch();
        assertEquals(1, count(id, "update-due"), "P0 updates every 15 min: reminded 5 min before");
        assertEquals(1, FakeSlack.postsContaining("is due at").size());

        TestClock.advance(Duration.ofMinutes(5));
        watch();
        watch();
        assertEquals(1, count(id, "update-overdue"), "overdue said once");
        assertEquals(2, count(id, "escalated"), "not acknowledged within the P0 response time (15 min): level 2");
        assertTrue(ops.timeline(id).stream().anyMatch(e -> e.get("kind").equals("escalated")
                && ((String) e.get("summary")).contains("level 2 (Team lead): not acknowledged within 15 min")));
        assertEquals(1, FakeSlack.posts().stream().filter(p -> p.path("channel").asText().equals("U0TEAMLEAD")).count());
        FakeMessaging.resend().verify(1, WireMock.postRequestedFor(WireMock.urlEqualTo("/emails"))
                .withRequestBody(WireMock.matchingJsonPath("$.to[0]", WireMock.equalTo("lead@team.example"))));

        // A person acts: acknowledged; still, an unresolved P0 reaches level 3 at 30 minutes (seed 004).
        call("add-note", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Looking at the database\"}").statusCode(200);
        assertEquals(1, count(id, "acknowledged"));
        TestClock.advance(Duration.ofMinutes(15));
        watch();
        assertTrue(ops.timeline(id).stream().anyMatch(e -> e.get("kind").equals("escalated")
                && ((String) e.get("summary")).contains("level 3 (Engineering manager): unresolved after 30 min")));
        FakeMessaging.resend().verify(1, WireMock.postRequestedFor(WireMock.urlEqualTo("/emails"))
                .withRequestBody(WireMock.matchingJsonPath("$.to[0]", WireMock.equalTo("em@team.example"))));

        // An update restarts the cadence: the next reminder comes 10 minutes later, not now.
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Failover started\"}").statusCode(200);
        long due = count(id, "update-due");
        watch();
        assertEquals(due, count(id, "update-due"));
        TestClock.advance(Duration.ofMinutes(11));
        watch();
        assertEquals(due + 1, count(id, "update-due"));
    }

    @Test
    void aDryRunSaysWhatWouldHappenAndDoesNothing() {
        String id = autoDeclaredP0();
        TestClock.advance(Duration.ofMinutes(20));
        List<Long> before = ops.snapshot();
        call("watch-incidents", Tokens.RESPONDER, "{\"dryRun\":true}").statusCode(200).body("dryRun", is(true))
                .body("findings.findAll { it.incidentId == '" + id + "' }.kind",
                        org.hamcrest.Matchers.hasItems("escalated", "update-overdue"));
        assertEquals(before, ops.snapshot());
        assertTrue(FakeSlack.posts().isEmpty());
    }

    @Test
    void aLowSeverityIncidentEscalatesOnlyWhenNobodyAcknowledgesIt() {
        String id = call("declare-incident", Tokens.ADA, "{\"title\":\"Typo on invoices\",\"severity\":\"P3\",\"impact\":\"cosmetic\"}")
                .statusCode(200).extract().path("incidentId");
        TestClock.advance(Duration.ofHours(3));
        watch();
        assertEquals(1, count(id, "escalated"), "acknowledged at declaration, P3 is not time-escalated: still level 1");
    }

    @Test
    void aPostmortemNotWritten48HoursAfterResolutionIsRemindedOnce() {
        String id = autoDeclaredP0();
        call("assign-role", Tokens.ADMIN, "{\"id\":\"" + id + "\",\"role\":\"commander\",\"person\":\"ada\"}").statusCode(200);
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Restarted the pooler\",\"force\":true,"
                + "\"reason\":\"probes were down for maintenance\"}").statusCode(200).body("forced", is(true));
        TestClock.advance(Duration.ofHours(47));
        watch();
        assertEquals(0, count(id, "postmortem-reminder"));
        TestClock.advance(Duration.ofHours(2));
        watch();
        watch();
        assertEquals(1, count(id, "postmortem-reminder"));
        assertEquals(1, FakeSlack.postsContaining("post-mortem of " + id).size());
        Map<String, Object> row = ops.query("SELECT postmortem_reminded_at IS NOT NULL AS reminded FROM incidents WHERE id = '"
                + id + "'").get(0);
        assertEquals(true, row.get("reminded"));
    }
}
