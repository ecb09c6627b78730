package io.firebreak.incident;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeGitHub;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 003's incident ticket against a GitHub fake holding firebreak to the issues contracts: one
 * issue per declared incident in the seed's template, updates and the post-mortem as comments in
 * order, resolution as Resolved and closed, a secondary limit obeyed and a lost answer never
 * opening a second issue, a permanent refusal kept with its reason.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeGitHub.class)
@WithTestResource(IncidentTicketTest.TicketsOn.class)
class IncidentTicketTest {

    /** Tickets switched on; a short call deadline, so the slow create below is given up on quickly. */
    public static class TicketsOn implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("firebreak.tickets", "github", "firebreak.providers.timeout", "1500ms");
        }

        @Override
        public void stop() {
        }
    }

    static final String ISSUES = "/repos/" + FakeGitHub.REPOSITORY + "/issues";
    static final ObjectMapper JSON = new ObjectMapper();

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    IncidentTicket ticket;

    @BeforeEach
    void fake() {
        FakeGitHub.server().resetAll();
        FakeGitHub.contract().reset();
        FakeGitHub.server().stubFor(get(urlPathEqualTo(ISSUES)).willReturn(json(200, "[]")));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("x-ratelimit-remaining", "4999").withHeader("x-ratelimit-reset", "1767225600").withBody(body);
    }

    /** GitHub's issue answer, with the extra fields it really sends (and nulls). */
    static String issue(int number, String state) {
        return """
                {"id": 1%d, "node_id": "I_kwDO", "number": %d, "url": "https://api.github.com/repos/acme/shop/issues/%d",
                 "html_url": "https://github.com/acme/shop/issues/%d", "title": "t", "state": "%s", "state_reason": null,
                 "locked": false, "assignee": null, "assignees": [], "milestone": null, "comments": 0,
                 "labels": [{"id": 1, "name": "incident", "color": "ededed", "default": false, "description": null}],
                 "user": {"login": "firebreak-bot", "id": 9}, "body": "b", "closed_at": null}""".formatted(number, number, number,
                number, state);
    }

    void stubIssue(int number) {
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).willReturn(json(201, issue(number, "open"))));
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES + "/" + number + "/comments"))
                .willReturn(json(201, "{\"id\": 7" + number + ", \"html_url\": \"https://github.com/acme/shop/issues/" + number
                        + "#issuecomment-1\", \"body\": \"c\", \"user\": {\"login\": \"firebreak-bot\"}, \"reactions\": null}")));
        FakeGitHub.server().stubFor(patch(urlPathEqualTo(ISSUES + "/" + number)).willReturn(json(200, issue(number, "closed"))));
    }

    /** Waits for the background delivery to have sent (or given up on) every action of the incident. */
    void settled(String id) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (Sql.count(db.ops(), "SELECT count(*) FROM ticket_actions WHERE incident_id = '" + id + "' AND state = 'pending'") == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ticket actions of " + id + " still pending: " + actions(id));
    }

    List<Map<String, Object>> actions(String id) {
        return Sql.rows(db.ops(), "SELECT kind, state, attempts, last_error FROM ticket_actions WHERE incident_id = '" + id
                + "' ORDER BY id");
    }

    static JsonNode body(LoggedRequest r) throws Exception {
        return JSON.readTree(r.getBodyAsString());
    }

    /** Makes the incident's retries due now (the backoff is tens of seconds) and delivers. */
    List<IncidentTicket.Attempt> retryNow(String id) {
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "' AND state = 'pending'");
        return ticket.deliverAll().await().atMost(Duration.ofSeconds(20));
    }

    @Test
    void declaredUpdatedResolvedAndPostmortemFollowOneIssueInOrder() throws Exception {
        stubIssue(101);
        String id = Lifecycle.declare("Checkout returns 500", "P1", "\"commander\":\"ada\"");
        settled(id);
        List<LoggedRequest> created = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES)));
        assertEquals(1, created.size());
        JsonNode sent = body(created.get(0));
        assertEquals("SEV-2: Checkout returns 500", sent.path("title").asText());
        assertEquals(List.of("incident", "sev-2"), JSON.convertValue(sent.path("labels"), List.class));
        String text = sent.path("body").asText();
        assertTrue(text.contains("<!-- firebreak:" + id + " -->"), text);
        for (String line : List.of("**Start Time:** ", "**Severity:** 2 (P1)", "**Impact:** Tenants cannot pay", "**IC:** ada",
                "**Deputy:** unassigned", "**Status:** Investigating", "## Timeline", "Incident detected")) {
            assertTrue(text.contains(line), line + " in " + text);
        }
        assertTrue(created.get(0).getHeader("Authorization").startsWith("Bearer "));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(101))
                .body("ticket.url", is("https://github.com/acme/shop/issues/101"));

        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"status\":\"mitigating\",\"text\":\"Rolled back deploy 4411\"}")
                .statusCode(200);
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back deploy 4411\",\"force\":true,"
                + "\"reason\":\"no probes in this test\"}").statusCode(200);
        call("postmortem", Tokens.ADA, "{\"id\":\"" + id + "\",\"written\":true,\"link\":\"https://wiki.example/pm/" + id + "\"}")
                .statusCode(200);
        settled(id);

        List<LoggedRequest> comments = FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES + "/101/comments")));
        List<String> said = comments.stream().map(r -> {
            try {
                return body(r).path("body").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals(3, said.size(), said.toString());
        assertTrue(said.get(0).contains("**Status:** Mitigating") && said.get(0).contains("Rolled back deploy 4411"), said.get(0));
        assertTrue(said.get(1).contains("Resolved"), said.get(1));
        assertTrue(said.get(2).contains("https://wiki.example/pm/" + id), said.get(2));
        List<LoggedRequest> closed = FakeGitHub.server().findAll(patchRequestedFor(urlPathEqualTo(ISSUES + "/101")));
        assertEquals(1, closed.size());
        JsonNode close = body(closed.get(0));
        assertEquals("closed", close.path("state").asText());
        assertEquals("completed", close.path("state_reason").asText());
        // labels replaces the set: the whole set is sent.
        assertEquals(List.of("incident", "sev-2", "Resolved"), JSON.convertValue(close.path("labels"), List.class));
        // Strict order: the close came after the resolution's comment and before the post-mortem's.
        assertTrue(closed.get(0).getLoggedDate().getTime() >= comments.get(1).getLoggedDate().getTime());
        assertTrue(closed.get(0).getLoggedDate().getTime() <= comments.get(2).getLoggedDate().getTime());
        assertEquals(List.of(), FakeGitHub.contract().refusals());
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'ticket-opened'"));
    }

    @Test
    void aSecondaryLimitIsWaitedOutAndOpensExactlyOneIssue() throws Exception {
        stubIssue(202);
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).inScenario("limit").whenScenarioStateIs(STARTED)
                .willReturn(json(403, "{\"message\": \"You have exceeded a secondary rate limit. Please wait a few minutes before"
                        + " you try again.\", \"documentation_url\": \"https://docs.github.com/rest\", \"status\": \"403\"}")
                        .withHeader("retry-after", "1"))
                .willSetStateTo("open"));
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).inScenario("limit").whenScenarioStateIs("open")
                .willReturn(json(201, issue(202, "open"))));
        String id = Lifecycle.declare("Search is slow", "P2", null);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
        assertEquals("pending", actions(id).get(0).get("state"), actions(id).toString());
        assertTrue(String.valueOf(actions(id).get(0).get("last_error")).contains("rate limited"));
        // Before GitHub's retry-after has passed, nothing is sent at all.
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "'");
        ticket.deliver().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size());
        Thread.sleep(1100);
        retryNow(id);
        settled(id);
        assertEquals(2, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size());
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(202));
        assertEquals("sent", actions(id).get(0).get("state"));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundNotOpenedTwice() throws Exception {
        FakeGitHub.server().stubFor(post(urlPathEqualTo(ISSUES)).willReturn(json(201, issue(303, "open")).withFixedDelay(2500)));
        String id = Lifecycle.declare("Emails bounce", "P3", null);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!String.valueOf(actions(id).get(0).get("last_error")).contains("no answer") && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertEquals("pending", actions(id).get(0).get("state"), actions(id).toString());
        // GitHub did open it: the list now shows it, with the marker in its body.
        FakeGitHub.server().stubFor(get(urlPathEqualTo(ISSUES)).willReturn(json(200, "[" + issue(303, "open")
                .replace("\"body\": \"b\"", "\"body\": \"<!-- firebreak:" + id + " -->\\n**Start Time:** ...\"") + "]")));
        // The watch job sends what is due (on Lambda it is what sends tickets at all).
        Sql.exec(db.ops(), "UPDATE ticket_actions SET next_attempt_at = now() WHERE incident_id = '" + id + "' AND state = 'pending'");
        call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
        settled(id);
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(urlPathEqualTo(ISSUES))).size());
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket.number", is(303));
        assertEquals(List.of(), FakeGitHub.contract().refusals());
    }

    @Test
    void issuesDisabledIsPermanentWithItsReasonAndNothingFollows() throws Exception {
        FakeGitHub.server().stubFor(post(urlPathMatching(ISSUES + ".*")).willReturn(json(410,
                "{\"message\": \"Issues are disabled for this repo\", \"documentation_url\": \"https://docs.github.com/rest\","
                        + " \"status\": \"410\"}")));
        String id = Lifecycle.declare("Login loops", "P2", null);
        settled(id);
        assertEquals("dead", actions(id).get(0).get("state"));
        assertTrue(String.valueOf(actions(id).get(0).get("last_error")).contains("issues are disabled"), actions(id).toString());
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Still looking\"}").statusCode(200);
        settled(id);
        assertEquals(1, FakeGitHub.server().findAll(postRequestedFor(anyUrl())).size(), "no comment on an issue that never was");
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM timeline_events WHERE incident_id = '" + id
                + "' AND kind = 'ticket-failed' AND summary LIKE '%create%'"));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("ticket", is((Object) null));
    }

    @Test
    void anIncidentWithoutATicketGetsNoComments() throws Exception {
        stubIssue(404);
        String id = Lifecycle.declare("Exports stall", "P3", null);
        settled(id);
        // As if it had been declared while tickets were off: no create was ever queued.
        Sql.exec(db.ops(), "DELETE FROM ticket_actions WHERE incident_id = '" + id + "'");
        Sql.exec(db.ops(), "UPDATE incidents SET ticket_number = NULL, ticket_url = NULL WHERE id = '" + id + "'");
        FakeGitHub.server().resetRequests();
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Still looking\"}").statusCode(200);
        call("watch-incidents", Tokens.RESPONDER, "{}").statusCode(200);
        assertEquals(List.of(), actions(id));
        assertEquals(0, FakeGitHub.server().findAll(postRequestedFor(anyUrl())).size());
    }
}
