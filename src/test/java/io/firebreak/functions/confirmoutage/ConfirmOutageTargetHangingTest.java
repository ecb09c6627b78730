package io.firebreak.functions.confirmoutage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The target host accepts connections and never replies, the outage that hangs naive callers.
 * The bound is the answer within 3 s; the checks give up at 1.8 s.
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "hanging"))
class ConfirmOutageTargetHangingTest {

    @TestDatabases.Inject
    TestDatabases db;


    @org.junit.jupiter.api.BeforeEach
    void quiet() {
        new OpsRecords(db.ops()).quiet();
    }

    @Test
    void everyCallAnswersOutageWithinTheDeadlineAndTheIncidentIsRecorded() {
        String id = null;
        for (int call = 0; call < 4; call++) {
            long start = System.nanoTime();
            String incident = given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage")
                    .then().statusCode(200)
                    .body("verdict", is("outage"))
                    .body("severity", is("P0"))
                    .body("checks.find { it.name == 'database' }.status", is("fail"))
                    .body("checks.find { it.name == 'database' }.summary", startsWith("not responding: no answer within"))
                    .body("recorded", is(true))
                    .body("tookMs", lessThan(3000f))
                    .body("incidentId", notNullValue())
                    .extract().path("incidentId");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 3000, "call " + call + " answered in " + ms + " ms");
            if (id == null) {
                id = incident;
            }
            assertEquals(id, incident, "later calls attach to the same incident");
        }
        OpsRecords ops = new OpsRecords(db.ops());
        assertEquals(1, ops.openIncidents().size());
        assertEquals(5, ops.timeline(id).size(), "declared + four confirmations");
    }

    @Test
    void hungConnectionsAreClosedSoThePoolRecovers() throws InterruptedException {
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage").then().statusCode(200);
        var server = db.hanging();
        assertTrue(server.accepted() > 0, "the client connected");
        // socket idle timeout is 2 s in this test (30 s by default)
        long deadline = System.nanoTime() + 8_000_000_000L;
        while (server.closedByClient() < server.accepted() && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(server.accepted(), server.closedByClient(), "every hung connection was given up");
    }

    @Test
    void aMonitorAlertDuringTheHangDeclaresOrAttachesInTime() {
        long start = System.nanoTime();
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON)
                .body("{\"monitorID\":\"42\",\"alertType\":\"1\",\"alertDetails\":\"Timeout\"}")
                .post("/monitor-alert").then().statusCode(200)
                .body("verdict", is("outage"))
                .body("incidentId", notNullValue());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
    }
}
