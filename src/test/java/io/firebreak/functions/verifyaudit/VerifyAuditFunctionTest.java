package io.firebreak.functions.verifyaudit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** The audit trail is append-only for firebreak and tamper-evident for everyone: a changed record is found. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "purpose", value = "tamper"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyAuditFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    long applyOnce(String name) {
        TargetData target = new TargetData(db.target());
        if (target.count("SELECT count(*) FROM tenants") == 0) {
            target.tenants(1);
        }
        String integration = target.integration(name, true);
        target.syncLogs(integration, "retrying", 3, 1);
        String plan = given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"integrationId\":\"" + integration + "\"}").post("/clear-retry-queue").then().statusCode(200)
                .extract().path("planId");
        return ((Number) given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"integrationId\":\"" + integration + "\",\"apply\":true,\"planId\":\"" + plan
                        + "\",\"reason\":\"drill\"}")
                .post("/clear-retry-queue").then().statusCode(200).extract().path("auditId")).longValue();
    }

    @Test
    @Order(1)
    void anIntactChainThenATamperedRecordIsReportedAtItsLink() {
        applyOnce("A");
        long tampered = applyOnce("B");
        applyOnce("C");
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).get("/verify-audit").then().statusCode(200)
                .body("intact", is(true))
                .body("records", is((int) Sql.count(db.ops(), "SELECT count(*) FROM audit_records")))
                .body("headHash", notNullValue())
                .body("firstBrokenId", nullValue());
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).get("/verify-audit").then().statusCode(403);

        // firebreak itself cannot change the trail...
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> Sql.exec(db.ops(), "UPDATE audit_records SET reason = 'nothing happened' WHERE id = " + tampered));
        assertTrue(refused.getMessage().contains("append-only"));
        assertThrows(IllegalStateException.class, () -> Sql.exec(db.ops(), "DELETE FROM audit_records"));

        // ...and when the owner goes around the trigger, verify-audit finds the record.
        Sql.exec(db.ops(), "ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update; "
                + "UPDATE audit_records SET reason = 'nothing happened' WHERE id = " + tampered + "; "
                + "ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_update");
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).get("/verify-audit").then().statusCode(200)
                .body("intact", is(false)).body("firstBrokenId", is((int) tampered))
                .body("problem", is("the record's content no longer matches its hash (edited)"));
    }

    // Runs last: a deleted record cannot be put back, so the chain stays broken.
    @Test
    @Order(2)
    void aDeletedRecordBreaksTheNextLink() {
        // (Removing the newest record leaves a shorter, intact chain: compare headHash with a copy kept elsewhere.)
        long first = applyOnce("D");
        applyOnce("E");
        Sql.exec(db.ops(), "ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update; "
                + "DELETE FROM audit_records WHERE id = " + first + "; "
                + "ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_update");
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).post("/verify-audit").then().statusCode(200)
                .body("intact", is(false));
    }
}
