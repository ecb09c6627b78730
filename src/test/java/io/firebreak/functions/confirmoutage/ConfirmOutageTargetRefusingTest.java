package io.firebreak.functions.confirmoutage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** The target database refuses connections: an outage, and the ops database still records it. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "target", value = "refusing"))
class ConfirmOutageTargetRefusingTest {

    @TestDatabases.Inject
    TestDatabases db;


    @Test
    void refusedConnectionsAreAnOutageRecordedInTheOpsDatabase() {
        String id = given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage").then()
                .statusCode(200)
                .body("verdict", is("outage"))
                .body("severity", is("P0"))
                .body("checks.find { it.name == 'database' }.status", is("fail"))
                .body("checks.find { it.name == 'database' }.summary", startsWith("not responding"))
                .body("checks.find { it.name == 'connections' }.status", is("fail"))
                .body("checks.find { it.name == 'app-health' }.status", is("skipped"))
                .body("incidentAction", is("declared"))
                .body("recorded", is(true))
                .body("incidentId", matchesPattern("INC-.*"))
                .extract().path("incidentId");
        OpsRecords ops = new OpsRecords(db.ops());
        assertEquals("target/database", ops.openIncidents().get(0).get("fingerprint"));
        assertEquals(id, ops.openIncidents().get(0).get("id"));
    }
}
