package io.firebreak.functions.snapshottables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 003's "take emergency backup": a 1,000,000-row table of the target copied into the ops
 * database within the bound, its checksum verified again from what was stored; past the bound
 * nothing is stored.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class SnapshotTablesFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    Snapshots snapshots;

    static Response call(String body) {
        return ApprovedPlans.post(Tokens.RESPONDER, "snapshot-tables", body);
    }

    @Test
    void aMillionRowTableIsCopiedStreamedAndItsChecksumHolds() {
        Sql.exec(db.target(), "DROP TABLE IF EXISTS public.readings_big; CREATE TABLE public.readings_big AS "
                + "SELECT g AS id, md5(g::text) AS content, now() - g * interval '1 second' AS created_at "
                + "FROM generate_series(1, 1000000) g; ANALYZE public.readings_big");
        OpsRecords ops = new OpsRecords(db.ops());
        long stored = ops.count("snapshots");
        long lastAudit = Sql.count(db.ops(), "SELECT coalesce(max(id), 0) FROM audit_records");
        Response dry = call("{\"tables\":[\"readings_big\"]}");
        assertEquals(200, dry.statusCode(), dry.asString());
        assertEquals(1_000_000L, ((Number) dry.path("tables[0].rowsEstimate")).longValue(), dry.asString());
        assertEquals(0, ops.count("snapshots") - stored, "a dry run stores nothing");
        Response taken = call("{\"tables\":[\"readings_big\"],\"apply\":true,\"reason\":\"data loss: before the fix\"}");
        assertEquals(200, taken.statusCode(), taken.asString());
        String id = taken.path("snapshots[0].snapshotId");
        assertEquals(1_000_000L, ((Number) taken.path("snapshots[0].rows")).longValue());
        long bytes = ((Number) taken.path("snapshots[0].bytes")).longValue();
        assertTrue(bytes > 40_000_000L && bytes < snapshots.maxBytes(), "within the bound: " + bytes);
        // The checksum again, from the stored chunks alone.
        List<Map<String, Object>> check = ops.query("SELECT s.sha256, encode(sha256(string_agg(c.data, ''::bytea ORDER BY "
                + "c.seq)), 'hex') AS again, sum(length(c.data)) AS stored FROM snapshots s JOIN snapshot_chunks c "
                + "ON c.snapshot_id = s.id WHERE s.id = '" + id + "' GROUP BY s.sha256");
        assertEquals(check.get(0).get("sha256"), check.get(0).get("again"));
        assertEquals(bytes, ((Number) check.get(0).get("stored")).longValue());
        assertEquals((String) taken.path("snapshots[0].sha256"), check.get(0).get("sha256"));
        assertEquals(List.of("snapshot-started:started", "snapshot:taken"), ops.query("SELECT action || ':' || outcome AS a "
                + "FROM audit_records WHERE function = 'snapshot-tables' AND id > " + lastAudit + " ORDER BY id").stream()
                .map(r -> r.get("a")).toList());
        Sql.exec(db.target(), "DROP TABLE public.readings_big");
    }

    @Test
    void pastTheBoundNothingIsStoredAndUnknownTablesAreNamed() {
        long bound = snapshots.maxBytes;
        snapshots.maxBytes = 10_000;
        try {
            Sql.exec(db.target(), "DROP TABLE IF EXISTS public.notes_big; CREATE TABLE public.notes_big AS "
                    + "SELECT g AS id, repeat('x', 100) AS note FROM generate_series(1, 1000) g");
            OpsRecords ops = new OpsRecords(db.ops());
            long before = ops.count("snapshots");
            Response r = call("{\"tables\":[\"notes_big\"],\"apply\":true,\"reason\":\"too big\"}");
            assertEquals(409, r.statusCode(), r.asString());
            assertEquals("snapshot_too_large", r.path("error.code"));
            assertEquals(before, ops.count("snapshots"));
            assertEquals(0, ops.count("snapshot_chunks c LEFT JOIN snapshots s ON s.id = c.snapshot_id WHERE s.id IS NULL"));
            assertEquals(1, ops.count("audit_records WHERE function = 'snapshot-tables' AND outcome LIKE 'failed:%' "
                    + "AND reason = 'too big'"));
        } finally {
            snapshots.maxBytes = bound;
            Sql.exec(db.target(), "DROP TABLE IF EXISTS public.notes_big");
        }
        Response unknown = call("{\"tables\":[\"public.nope\"]}");
        assertEquals(404, unknown.statusCode(), unknown.asString());
        assertEquals("unknown_table", unknown.path("error.code"));
        assertEquals("tables[0]", call("{\"tables\":[\"a;b\"]}").path("error.field"));
        assertEquals("reason", call("{\"tables\":[\"public.tenants\"],\"apply\":true}").path("error.field"));
    }
}
