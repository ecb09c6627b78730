package io.firebreak.functions.runcheck;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** The checks declared in functions.yaml, by name and on their schedule, on a database shaped like seed 002's app. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "seed-002"))
class RunCheckFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    ScheduledChecks schedule;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
    }

    @Test
    void theDeclaredChecksAreListed() {
        io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).get("/run-check").then()
                .statusCode(200).body("checks.name", hasItems("email-failures", "reservation-integrity", "ocr-queue"))
                .body("checks.find { it.name == 'ocr-queue' }.scheduled", is(false));
    }

    @Test
    void aBreachDeclaresOnceThenAttachesAndADryRunDeclaresNothing() {
        List<Long> before = ops.snapshot();
        call("run-check", Tokens.MONITOR, "{\"name\":\"email-failures\",\"dryRun\":true}").statusCode(200)
                .body("status", is("breached")).body("value", is(12.0f)).body("threshold", is(10.0f))
                .body("rows", is(12)).body("sample.size()", is(12)).body("incident", nullValue());
        assertEquals(before, ops.snapshot(), "a dry run records nothing");

        String id = call("run-check", Tokens.MONITOR, "{\"name\":\"email-failures\"}").statusCode(200)
                .body("incident.declared", is(true)).extract().path("incident.id");
        call("run-check", Tokens.MONITOR, "{\"name\":\"email-failures\"}").statusCode(200)
                .body("incident.id", is(id)).body("incident.declared", is(false));
        Map<String, Object> incident = ops.query("SELECT severity, title, fingerprint FROM incidents WHERE id = '" + id + "'")
                .get(0);
        assertEquals("P1", incident.get("severity"));
        assertEquals("check/email-failures", incident.get("fingerprint"));
        assertEquals("Check email-failures breached: 12 above 10 (Seed 002 failed emails in email_log)", incident.get("title"));
        assertEquals(2, ops.timeline(id).stream().filter(e -> e.get("kind").equals("check-breached")).count());
    }

    @Test
    void anHttpCheckWithoutItsEnvironmentIsNotConfiguredAndNeverCalled() {
        io.restassured.RestAssured.given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).get("/run-check").then()
                .statusCode(200).body("checks.find { it.name == 'twilio-balance' }.configured", is(false))
                .body("checks.find { it.name == 'twilio-balance' }.needs", is(List.of("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")));
        List<Long> before = ops.snapshot();
        call("run-check", Tokens.MONITOR, "{\"name\":\"twilio-balance\"}").statusCode(200)
                .body("status", is("skipped")).body("skipped", containsString("TWILIO_ACCOUNT_SID"))
                .body("incident", nullValue());
        assertEquals(before, ops.snapshot());
        assertTrue(schedule.run().await().atMost(Duration.ofSeconds(30)).stream()
                .noneMatch(r -> String.valueOf(r.get("name")).equals("twilio-balance")), "the schedule leaves it out");
    }

    @Test
    void aValueMeasureReadsTheFirstColumnAndAnOkCheckDeclaresNothing() {
        call("run-check", Tokens.MONITOR, "{\"name\":\"login-attempt-burst\",\"dryRun\":true}").statusCode(200)
                .body("measure", is("value")).body("value", is(40.0f)).body("status", is("breached"))
                .body("sample[0].email", is("mallory@example.com"));
        long incidents = ops.count("incidents");
        call("run-check", Tokens.MONITOR, "{\"name\":\"ocr-queue\"}").statusCode(200).body("status", is("ok"))
                .body("rows", is(3)).body("incident", nullValue());
        assertEquals(incidents, ops.count("incidents"));
    }

    @Test
    void aCheckWhoseTableIsMissingFailsClearlyAndDeclaresNothing() {
        long incidents = ops.count("incidents");
        call("run-check", Tokens.MONITOR, "{\"name\":\"sms-delivery-failures\"}").statusCode(409)
                .body("error.code", is("check_failed"))
                .body("error.message", containsString("relation \"sms_delivery_log\" does not exist"));
        call("run-check", Tokens.MONITOR, "{\"name\":\"no-such-check\"}").statusCode(404).body("error.code", is("unknown_check"));
        call("run-check", Tokens.MONITOR, "{\"name\":\"email-failures\",\"dryRun\":\"yes\"}").statusCode(400);
        assertEquals(incidents, ops.count("incidents"));
    }

    @Test
    void theScheduleRunsEveryScheduledCheckAndOneBrokenCheckDoesNotStopTheRest() {
        // The api-requests fixture is a minute wide: bring it to now.
        Sql.exec(db.target(), "UPDATE api_request_logs SET created_at = created_at + "
                + "(now() - (SELECT max(created_at) FROM api_request_logs))");
        List<Map<String, Object>> results = schedule.run().await().atMost(Duration.ofSeconds(60));
        Map<String, String> status = new java.util.TreeMap<>();
        results.forEach(r -> status.put((String) r.get("name"), (String) r.get("status")));
        assertEquals(Map.of("sms-delivery-failures", "error", "email-failures", "breached", "login-attempt-burst", "breached",
                "api-requests-per-key", "breached", "reservation-integrity", "breached", "orphaned-reservation-lines",
                "breached", "ocr-failures", "breached"), status);
        assertTrue(ops.openIncidents().stream().map(i -> (String) i.get("fingerprint")).toList()
                .containsAll(List.of("check/reservation-integrity", "check/orphaned-reservation-lines", "check/ocr-failures")));
    }
}
