package io.firebreak.integrity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The audit trail at size and against its own writer: 1,200 untampered records verify (the chain
 * position was once compared as boxed Longs, wrong from 128 on), one edited at 500 is found there,
 * the digest cannot be fooled by text moved across a field boundary, and the role firebreak runs
 * as can neither change a record nor switch the triggers off.
 */
@QuarkusTest
@WithTestResource(value = PostgresDatabases.class, initArgs = @ResourceArg(name = "purpose", value = "audit-size"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditTrailIntegrityTest {

    @TestDatabases.Inject
    TestDatabases db;

    /** Appends records the way firebreak does (the runtime role, through the chaining trigger). */
    void append(int n, String reason) {
        Sql.exec(db.opsRuntime(), "INSERT INTO audit_records (at, token_id, role, function, action, reason, input, "
                + "rows_affected, outcome) SELECT now(), 'test', 'responder', 'clear-retry-queue', 'apply', '" + reason
                + "', jsonb_build_object('n', g), g, 'applied' FROM generate_series(1, " + n + ") g");
    }

    static io.restassured.response.ValidatableResponse verify() {
        return given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).get("/verify-audit").then().statusCode(200);
    }

    @Test
    @Order(1)
    void twelveHundredUntamperedRecordsVerifyAndTheRuntimeRoleCannotRewriteThem() {
        append(1200, "drill");
        verify().body("intact", is(true)).body("records", is(1200)).body("headHash", notNullValue())
                .body("firstBrokenId", nullValue())
                .body("protection.runtimeRole", is(PostgresDatabases.RUNTIME_ROLE))
                .body("protection.canRewrite", is(false)).body("protection.warning", nullValue());

        for (String sql : new String[] { "UPDATE audit_records SET reason = 'nothing happened' WHERE chain_seq = 10",
                "DELETE FROM audit_records WHERE chain_seq = 10", "TRUNCATE audit_records",
                "ALTER TABLE audit_records DISABLE TRIGGER USER", "ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update",
                "DROP TRIGGER audit_records_no_update ON audit_records", "DELETE FROM evidence_audit_logs",
                "UPDATE flyway_schema_history SET success = false" }) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Sql.exec(db.opsRuntime(), sql), sql);
            assertTrue(refused.getMessage().contains("permission denied") || refused.getMessage().contains("must be owner")
                    || refused.getMessage().contains("append-only"), sql + ": " + refused.getMessage());
        }
        assertEquals(1200, Sql.count(db.ops(), "SELECT count(*) FROM audit_records"));
    }

    @Test
    @Order(2)
    void aRecordEditedAtFiveHundredIsFoundThere() {
        Sql.exec(db.ops(), "ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update; "
                + "UPDATE audit_records SET rows_affected = 0 WHERE chain_seq = 500; "
                + "ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_update");
        long id = Sql.count(db.ops(), "SELECT id FROM audit_records WHERE chain_seq = 500");
        verify().body("intact", is(false)).body("firstBrokenSeq", is(500)).body("firstBrokenId", is((int) id))
                .body("problem", is("the record's content no longer matches its hash (edited)"));
        // Put it back: the chain verifies again (the digest covers content, not the edit's traces).
        Sql.exec(db.ops(), "ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update; "
                + "UPDATE audit_records SET rows_affected = 500 WHERE chain_seq = 500; "
                + "ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_update");
        verify().body("intact", is(true)).body("records", is(1200));
    }

    @Test
    @Order(3)
    void textMovedAcrossAFieldBoundaryNoLongerVerifies() {
        append(1, "r\u001fs");
        long seq = Sql.count(db.ops(), "SELECT max(chain_seq) FROM audit_records");
        assertEquals(2, Sql.count(db.ops(), "SELECT digest_version FROM audit_records WHERE chain_seq = " + seq));
        // Under version 1 (fields joined with \x1f) the shifted record hashes the same: the old ambiguity.
        assertEquals(1, Sql.count(db.ops(), "SELECT count(*) FROM (SELECT r, (r).action AS a FROM audit_records r "
                + "WHERE chain_seq = " + seq + ") x WHERE audit_digest(r) = audit_digest(ROW((r).id, (r).chain_seq, (r).at, "
                + "(r).token_id, (r).role, (r).function, 'apply' || chr(31) || 'r', 's', (r).input, (r).plan, "
                + "(r).rows_affected, (r).external_ids, (r).outcome, (r).undo_of, (r).prev_hash, (r).hash, (r).result, "
                + "(r).digest_version)::audit_records)"));
        Sql.exec(db.ops(), "ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update; "
                + "UPDATE audit_records SET action = 'apply' || chr(31) || 'r', reason = 's' WHERE chain_seq = " + seq + "; "
                + "ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_update");
        verify().body("intact", is(false)).body("firstBrokenSeq", is((int) seq));
    }
}
