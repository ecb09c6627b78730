package io.firebreak.functions.restoresnapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Seed 004's "restore from backup": rows lost after a snapshot come back as a new table beside the
 * original, only with an approval, checksum verified; a tampered snapshot is refused; undo drops it.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class RestoreSnapshotFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    static Response post(String function, String body) {
        return ApprovedPlans.post(Tokens.RESPONDER, function, body);
    }

    @Test
    void lostRowsComeBackBesideTheTableApprovedAndUndoable() {
        Sql.exec(db.target(), "DROP TABLE IF EXISTS public.orders_lost, public.orders_lost_back; CREATE TABLE public.orders_lost "
                + "(id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0, note text); INSERT INTO public.orders_lost "
                + "SELECT g, g * 1.5, CASE WHEN g % 7 = 0 THEN 'line one\nline \"two\", three' END FROM generate_series(1, 5000) g");
        Response taken = post("snapshot-tables", "{\"tables\":[\"orders_lost\"],\"apply\":true,\"reason\":\"before the fix\"}");
        assertEquals(200, taken.statusCode(), taken.asString());
        String id = taken.path("snapshots[0].snapshotId");
        Sql.exec(db.target(), "DELETE FROM public.orders_lost WHERE id > 100");
        String body = "{\"snapshotId\":\"" + id + "\",\"into\":\"orders_lost_back\"}";
        Response plan = post("restore-snapshot", body);
        assertEquals(200, plan.statusCode(), plan.asString());
        assertEquals(true, plan.path("changes.checksumVerified"));
        assertEquals(true, plan.path("approval.required"));
        String apply = SampleCalls.applying(body, plan.path("planId"), "restore the lost orders");
        assertEquals(202, post("restore-snapshot", apply).statusCode());
        ApprovedPlans.approve(plan.path("planId"));
        Response restored = post("restore-snapshot", apply);
        assertEquals(200, restored.statusCode(), restored.asString());
        assertEquals(5000, ((Number) restored.path("rows")).intValue());
        assertEquals(0, Sql.count(db.target(), "SELECT count(*) FROM (SELECT id, total, note FROM public.orders_lost_back "
                + "EXCEPT SELECT g, g * 1.5, CASE WHEN g % 7 = 0 THEN 'line one\nline \"two\", three' END "
                + "FROM generate_series(1, 5000) g) d"), "every row back as it was, embedded newlines and quotes included");
        assertEquals(409, post("restore-snapshot", body).statusCode(), "the table exists now: a restore never overwrites");
        String undo = "{\"auditId\":" + restored.path("auditId") + "}";
        Response undoPlan = post("undo", undo);
        assertEquals(200, undoPlan.statusCode(), undoPlan.asString());
        Response dropped = post("undo", SampleCalls.applying(undo, undoPlan.path("planId"), "not needed after all"));
        assertEquals(200, dropped.statusCode(), dropped.asString());
        assertEquals(0, Sql.count(db.target(), "SELECT count(*) FROM pg_class WHERE relname = 'orders_lost_back'"));
        Sql.exec(db.target(), "DROP TABLE public.orders_lost");
    }

    @Test
    void aTamperedOrUnknownSnapshotIsRefused() {
        Sql.exec(db.target(), "DROP TABLE IF EXISTS public.tamper; CREATE TABLE public.tamper AS SELECT g AS id FROM generate_series(1, 50) g");
        Response taken = post("snapshot-tables", "{\"tables\":[\"tamper\"],\"apply\":true,\"reason\":\"evidence\"}");
        String id = taken.path("snapshots[0].snapshotId");
        // The owner (not the service: chunks are append-only for it) changes a byte of the stored CSV.
        Sql.exec(db.ops(), "UPDATE snapshot_chunks SET data = "
                + "overlay(data placing '9'::bytea from 5 for 1) WHERE snapshot_id = '" + id + "'");
        Response r = post("restore-snapshot", "{\"snapshotId\":\"" + id + "\"}");
        assertEquals(409, r.statusCode(), r.asString());
        assertEquals("snapshot_corrupt", r.path("error.code"));
        Response unknown = post("restore-snapshot", "{\"snapshotId\":\"5b2f6c1e-8d4a-4f0b-9c3e-7a1d2e4f6b80\"}");
        assertEquals(404, unknown.statusCode(), unknown.asString());
        assertEquals("unknown_snapshot", unknown.path("error.code"));
        Sql.exec(db.target(), "DROP TABLE public.tamper");
    }
}
