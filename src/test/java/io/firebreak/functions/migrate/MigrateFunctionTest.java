package io.firebreak.functions.migrate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.OpsSchema;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** With migration at start turned off (as on Lambda), migrate is the explicit, admin-only step. */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "ops", value = "real-unmigrated"))
class MigrateFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;


    boolean migrated() {
        return Sql.count(db.ops(), "SELECT count(*) FROM pg_tables WHERE tablename = 'incidents'") > 0;
    }

    @Test
    void dryRunThenApplyThenNothingToDo() {
        given().get("/q/health/ready").then().statusCode(503);

        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON).body("{}")
                .post("/migrate").then().statusCode(200)
                .body("applied", is(false))
                .body("migrations.version", is(OpsSchema.versions()))
                .body("migrations[0].description", is("incidents"));
        assertFalse(migrated(), "a dry run changes nothing");

        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"apply\":true}").post("/migrate").then().statusCode(403).body("error.code", is("forbidden"));
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON)
                .body("{\"apply\":\"yes\"}").post("/migrate").then().statusCode(400).body("error.field", is("apply"));
        assertFalse(migrated());

        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON)
                .body("{\"apply\":true}").post("/migrate").then().statusCode(200)
                .body("applied", is(true)).body("currentVersion", is(OpsSchema.latest()))
                .body("migrations.version", is(OpsSchema.versions()));
        assertTrue(migrated());
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON)
                .body("{\"apply\":true}").post("/migrate").then().statusCode(200).body("migrations", empty());
        assertEquals((long) OpsSchema.versions().size(), Sql.count(db.ops(), "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL"));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
