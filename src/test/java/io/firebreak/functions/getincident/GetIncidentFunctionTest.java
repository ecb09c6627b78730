package io.firebreak.functions.getincident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class GetIncidentFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;


    @Test
    void showsTheIncidentWithItsTimeline() {
        new OpsRecords(db.ops()).quiet();
        FakeApp.answer(503, 0);
        String id = given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).post("/confirm-outage").then()
                .statusCode(200).extract().path("incidentId");
        FakeApp.answer(200, 0);

        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).queryParam("id", id).get("/get-incident")
                .then().statusCode(200)
                .body("id", is(id))
                .body("severity", is("P0"))
                .body("status", is("investigating"))
                .body("fingerprint", is("target/app-health"))
                .body("timeline", hasSize(2))
                .body("timeline[0].kind", is("declared"))
                .body("timeline[1].kind", is("confirmation"))
                .body("timeline[1].detail.verdict", is("outage"));
    }

    @Test
    void unknownIncidentIs404AndAMalformedIdIs400() {
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"id\":\"INC-2001-01-01-999\"}").post("/get-incident").then().statusCode(404)
                .body("error.code", is("incident_not_found")).body("error.field", is("id"));
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"id\":\"'; DROP TABLE incidents; --\"}").post("/get-incident").then().statusCode(400)
                .body("error.code", is("invalid_value")).body("error.field", is("id"));
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{}").post("/get-incident").then().statusCode(400)
                .body("error.code", is("missing_field"));
    }
}
