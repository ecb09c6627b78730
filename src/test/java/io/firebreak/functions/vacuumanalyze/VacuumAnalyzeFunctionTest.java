package io.firebreak.functions.vacuumanalyze;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Seed 002 §7 "If bloated, VACUUM ANALYZE lots", planned, one table at a time, audited. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class VacuumAnalyzeFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;

    @BeforeEach
    void bloat() {
        ops = new OpsRecords(db.ops());
        Sql.exec(db.target(), """
                DROP TABLE IF EXISTS public.lots;
                CREATE TABLE public.lots (id int PRIMARY KEY, meters numeric) WITH (autovacuum_enabled = false);
                INSERT INTO public.lots SELECT g, g FROM generate_series(1, 5000) g;
                DELETE FROM public.lots WHERE id > 1000;
                SELECT pg_stat_force_next_flush();""");
    }

    @Test
    void theDryRunShowsTheStatementAndTheDeadTuplesAndTheApplyClearsThem() {
        long audits = ops.count("audit_records");
        JsonPath plan = call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\", \"public.tenants\"]}").statusCode(200)
                .body("dryRun", is(true)).extract().jsonPath();
        assertEquals(List.of("VACUUM (ANALYZE) \"public\".\"lots\"", "VACUUM (ANALYZE) \"public\".\"tenants\""),
                plan.getList("changes.tables.statement"));
        assertEquals(4000, plan.getInt("changes.tables[0].deadTuples"));
        assertEquals(audits, ops.count("audit_records"));
        assertEquals(4000, Sql.count(db.target(), "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'lots'"),
                "a dry run vacuums nothing");

        JsonPath done = call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\", \"public.tenants\"],\"apply\":true,"
                + "\"planId\":\"" + plan.getString("planId") + "\",\"reason\":\"seed 002 bloat\"}").statusCode(200)
                .extract().jsonPath();
        assertEquals(2, done.getInt("tablesDone"));
        assertEquals(List.of(true, true), done.getList("results.ok"));
        assertEquals(0, done.getInt("results[0].deadTuplesAfter"));
        assertTrue(!done.getString("results[0].lastVacuum").equals("null"));
        Map<String, Object> audit = ops.query("SELECT function, rows_affected, outcome FROM audit_records WHERE id = "
                + done.getLong("auditId")).get(0);
        assertEquals(Map.of("function", "vacuum-analyze", "rows_affected", 2, "outcome", "applied"), audit);
    }

    @Test
    void analyzeOnlyRunsAnalyze() {
        JsonPath plan = call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\"],\"analyzeOnly\":true}").statusCode(200)
                .extract().jsonPath();
        assertEquals("ANALYZE \"public\".\"lots\"", plan.getString("changes.tables[0].statement"));
        call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\"],\"analyzeOnly\":true,\"apply\":true,\"planId\":\""
                + plan.getString("planId") + "\",\"reason\":\"stale statistics\"}").statusCode(200).body("tablesDone", is(1));
        assertEquals(1, Sql.count(db.target(), "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'lots' "
                + "AND last_analyze IS NOT NULL AND last_vacuum IS NULL"));
    }

    @Test
    void aTableThatTimesOutIsReportedAndTheNextStillRuns() throws Exception {
        JsonPath plan = call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\",\"tenants\"],\"timeoutSeconds\":1}")
                .statusCode(200).extract().jsonPath();
        // An open transaction holding a conflicting lock on lots: VACUUM waits, then gives up.
        try (var holder = Sql.connect(db.target())) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE public.lots IN SHARE UPDATE EXCLUSIVE MODE");
            JsonPath done = call("vacuum-analyze", Tokens.RESPONDER, "{\"tables\":[\"lots\",\"tenants\"],\"timeoutSeconds\":1,"
                    + "\"apply\":true,\"planId\":\"" + plan.getString("planId") + "\",\"reason\":\"bloat\"}").statusCode(200)
                    .extract().jsonPath();
            assertEquals(List.of(false, true), done.getList("results.ok"));
            assertTrue(done.getString("results[0].error").contains("timeout"), done.getString("results[0].error"));
            assertEquals(1, done.getInt("tablesDone"));
            assertEquals("partial: 1 of 2", ops.query("SELECT outcome FROM audit_records WHERE id = " + done.getLong("auditId"))
                    .get(0).get("outcome"));
            holder.rollback();
        }
    }

    @Test
    void namesAreCheckedAgainstTheCatalogNeverInterpolated() {
        record Bad(String body, int status, String code) {
        }
        long audits = ops.count("audit_records");
        for (Bad bad : List.of(new Bad("{}", 400, "missing_field"),
                new Bad("{\"tables\":[\"lots; DROP TABLE tenants\"]}", 400, "invalid_value"),
                new Bad("{\"tables\":[\"\\\"lots\\\"\"]}", 400, "invalid_value"),
                new Bad("{\"tables\":[\"a.b.c\"]}", 400, "invalid_value"),
                new Bad("{\"tables\":[\"no_such_table\"]}", 404, "unknown_table"),
                new Bad("{\"tables\":[\"pg_catalog.pg_class\"]}", 404, "unknown_table"),
                new Bad("{\"tables\":[\"lots\"],\"timeoutSeconds\":0}", 400, "invalid_value"),
                new Bad("{\"tables\":[\"t1\",\"t2\",\"t3\",\"t4\",\"t5\",\"t6\",\"t7\",\"t8\",\"t9\",\"t10\",\"t11\"]}", 400,
                        "invalid_value"),
                new Bad("{\"tables\":[\"t1\",\"t2\"],\"timeoutSeconds\":600}", 400, "invalid_value"))) {
            call("vacuum-analyze", Tokens.RESPONDER, bad.body()).statusCode(bad.status()).body("error.code", is(bad.code()));
        }
        assertEquals(1, Sql.count(db.target(), "SELECT count(*) FROM pg_tables WHERE tablename = 'tenants'"));
        assertEquals(audits, ops.count("audit_records"));
    }
}
