package io.firebreak.functions.notifytenant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Seed 000 Step 3 through the outbox, against fake WhatsApp and Resend servers, failures included. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
class NotifyTenantFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    NotificationOutbox outbox;

    TargetData target;
    OpsRecords ops;
    String tenant;
    String incident;

    @BeforeEach
    void incidentAndAdmins() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        ops.quiet();
        // Another test's retries must not be delivered in this one.
        io.firebreak.testing.Sql.exec(db.ops(), "UPDATE notifications SET state = 'dead' WHERE state = 'pending'");
        tenant = target.admin("Ada Obi", "ada@tenant.example", "+2348012345678");
        target.admin("Bola Ade", "bola@tenant.example", null);
        FakeApp.answer(503, 0);
        incident = given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage").then()
                .statusCode(200).extract().path("incidentId");
        FakeApp.answer(200, 0);
        FakeMessaging.whatsapp().resetAll();
        FakeMessaging.resend().resetAll();
        FakeMessaging.whatsapp().stubFor(post(urlEqualTo("/" + FakeMessaging.PHONE_NUMBER_ID + "/messages"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"2348012345678\","
                                + "\"wa_id\":\"2348012345678\"}],\"messages\":[{\"id\":\"wamid.HBgLMjM0ODAxMjM0NTY3OBUCABIYFjNFQjA\"}]}")));
        FakeMessaging.resend().stubFor(post("/emails").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\"}")));
    }

    ValidatableResponse call(String extra) {
        return given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"tenantId\":\"" + tenant + "\",\"incidentId\":\"" + incident + "\",\"phase\":\"investigating\","
                        + "\"feature\":\"order checkout\"" + extra + "}")
                .post("/notify-tenant").then();
    }

    @Test
    void theDryRunShowsEveryMessageAndRecipientWithoutSpeculating() {
        call("").statusCode(200)
                .body("rows", is(3))
                .body("changes.messages", hasSize(3))
                .body("changes.messages.channel", is(List.of("whatsapp", "email", "email")))
                .body("changes.messages.recipient", is(List.of("+2348012345678", "ada@tenant.example", "bola@tenant.example")))
                .body("changes.messages[1].subject", is("Service disruption: order checkout"))
                .body("changes.messages[1].text", is("We are aware of an issue affecting order checkout. Our team is "
                        + "actively working on it. (Reference " + incident + ")"))
                .body("changes.skipped[0].admin", is("Bola Ade"))
                .body("changes.skipped[0].channel", is("whatsapp"));
        assertEquals(0, ops.count("notifications WHERE incident_id = '" + incident + "'"));
        assertTrue(FakeMessaging.resend().getAllServeEvents().isEmpty(), "a dry run sends nothing");
    }

    @Test
    void applyQueuesWithItsAuditDeliversAndLandsOnTheTimelineOnce() {
        String planId = call("").statusCode(200).extract().path("planId");
        call(",\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"first notice\"").statusCode(200)
                .body("applied", is(true)).body("notificationIds", hasSize(3))
                .body("delivery.state", is(List.of("sent", "sent", "sent")));

        assertEquals(3, ops.count("notifications WHERE state = 'sent' AND audit_id IS NOT NULL AND incident_id = '" + incident + "'"));
        FakeMessaging.whatsapp().verify(postRequestedFor(urlEqualTo("/" + FakeMessaging.PHONE_NUMBER_ID + "/messages"))
                .withHeader("Authorization", equalTo("Bearer " + FakeMessaging.WHATSAPP_TOKEN))
                .withRequestBody(matchingJsonPath("$.template.name", equalTo("incident_investigating")))
                .withRequestBody(matchingJsonPath("$.to", equalTo("2348012345678"))));
        FakeMessaging.resend().verify(2, postRequestedFor(urlEqualTo("/emails"))
                .withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.matching("firebreak-notification-\\d+")));
        List<Object> kinds = ops.timeline(incident).stream().map(e -> e.get("kind")).toList();
        assertEquals(1, kinds.stream().filter("notification-queued"::equals).count());
        assertEquals(3, kinds.stream().filter("notification-sent"::equals).count());

        call("").statusCode(409).body("error.code", is("already_notified"));
        assertEquals(3, ops.count("notifications WHERE incident_id = '" + incident + "'"));
    }

    @Test
    void temporaryFailuresAreRetriedWithBackoffAndPermanentOnesDeadLettered() throws Exception {
        FakeMessaging.resend().resetAll();
        FakeMessaging.resend().stubFor(post("/emails").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("ok").willReturn(aResponse().withStatus(429).withHeader("retry-after", "1")
                        .withBody("{\"statusCode\":429,\"message\":\"Too many requests\",\"name\":\"rate_limit_exceeded\"}")));
        FakeMessaging.resend().stubFor(post("/emails").inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"id\":\"5e4c1a2b-0000-4000-8000-000000000001\"}")));
        FakeMessaging.whatsapp().resetAll();
        FakeMessaging.whatsapp().stubFor(post(urlEqualTo("/" + FakeMessaging.PHONE_NUMBER_ID + "/messages"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Error validating access token\","
                        + "\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"AbCdEf\"}}")));

        String planId = call(",\"channels\":[\"email\",\"whatsapp\"]").statusCode(200).extract().path("planId");
        long sentAt = System.currentTimeMillis();
        call(",\"channels\":[\"email\",\"whatsapp\"],\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"notice\"")
                .statusCode(200);

        // The expired token is permanent: dead at once. One email hit the rate limit: retried after Resend's
        // Retry-After (1 s), which is longer than the outbox's own first backoff. Judged on the row's own
        // next attempt, not on sleeps: a slow machine must not make "too early" look like "on time".
        assertEquals(1, ops.count("notifications WHERE channel = 'whatsapp' AND state = 'dead' AND incident_id = '" + incident + "'"));
        long nextAttempt = ((Number) ops.query("SELECT (extract(epoch FROM next_attempt_at) * 1000)::bigint AS at FROM notifications"
                + " WHERE channel = 'email' AND state = 'pending' AND incident_id = '" + incident + "'").get(0).get("at")).longValue();
        assertTrue(nextAttempt >= sentAt + 1000, "not before the provider's Retry-After: next attempt "
                + (nextAttempt - sentAt) + " ms after the apply began");
        if (System.currentTimeMillis() < nextAttempt - 100) {
            outbox.deliver().await().atMost(Duration.ofSeconds(10));
            assertEquals(1, ops.count("notifications WHERE channel = 'email' AND state = 'sent' AND incident_id = '" + incident
                    + "'"), "not before the provider's Retry-After");
        }
        Thread.sleep(Math.max(0, nextAttempt - System.currentTimeMillis() + 100));
        outbox.deliver().await().atMost(Duration.ofSeconds(10));
        assertEquals(2, ops.count("notifications WHERE channel = 'email' AND state = 'sent' AND incident_id = '" + incident + "'"));
        Map<String, Object> dead = ops.query("SELECT * FROM notifications WHERE state = 'dead' AND incident_id = '" + incident + "'").get(0);
        assertTrue(dead.get("last_error").toString().contains("401"));
        assertTrue(ops.timeline(incident).stream().anyMatch(e -> e.get("kind").equals("notification-dead")));
    }

    @Test
    void badInputIs400AndUnknownsAre404() {
        long before = ops.count("notifications");
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"tenantId\":\"" + tenant + "\",\"incidentId\":\"" + incident + "\",\"phase\":\"panic\"}")
                .post("/notify-tenant").then().statusCode(400).body("error.field", is("phase"));
        call(",\"channels\":[\"sms\"]").statusCode(400).body("error.field", is("channels"));
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"tenantId\":\"nope\",\"incidentId\":\"" + incident + "\",\"phase\":\"update\"}")
                .post("/notify-tenant").then().statusCode(400).body("error.field", is("tenantId"));
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"tenantId\":\"" + tenant + "\",\"incidentId\":\"INC-2001-01-01-001\",\"phase\":\"update\"}")
                .post("/notify-tenant").then().statusCode(404).body("error.code", is("incident_not_found"));
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body("{}")
                .post("/notify-tenant").then().statusCode(403);
        assertEquals(before, ops.count("notifications"));
        assertFalse(FakeMessaging.resend().getAllServeEvents().size() > 0);
    }

    @Test
    void throttlingIsRetriedWhateverTheStatusItArrivesWith() {
        // Meta: branch on error.code, not the HTTP status; the pair-rate limit arrives as HTTP 400.
        FakeMessaging.whatsapp().resetAll();
        FakeMessaging.whatsapp().stubFor(post(urlEqualTo("/" + FakeMessaging.PHONE_NUMBER_ID + "/messages"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"(#131056) (Business Account, Consumer Account) pair rate limit hit\","
                                + "\"type\":\"OAuthException\",\"code\":131056,\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}")));
        // Resend: the same Idempotency-Key still in flight there.
        FakeMessaging.resend().resetAll();
        FakeMessaging.resend().stubFor(post("/emails").willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("{\"statusCode\":409,\"message\":\"Same idempotency "
                        + "key is already being processed\",\"name\":\"concurrent_idempotent_requests\"}")));
        String planId = call(",\"channels\":[\"email\",\"whatsapp\"]").statusCode(200).extract().path("planId");
        call(",\"channels\":[\"email\",\"whatsapp\"],\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"notice\"")
                .statusCode(200);
        assertEquals(0, ops.count("notifications WHERE state = 'dead' AND incident_id = '" + incident + "'"),
                "throttled, not dead-lettered");
        assertEquals(3, ops.count("notifications WHERE state = 'pending' AND attempts = 1 AND incident_id = '" + incident + "'"));
        assertEquals(java.util.List.of(), FakeMessaging.resendContract().refusals());
        assertEquals(java.util.List.of(), FakeMessaging.whatsappContract().refusals());
    }
}
