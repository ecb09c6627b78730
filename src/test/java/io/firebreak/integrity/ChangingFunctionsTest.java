package io.firebreak.integrity;

import static io.firebreak.testing.SampleCalls.applying;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.testing.ApprovedPlans;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.FakeRailway;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.FakeSupabase;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.TestSessions;
import io.firebreak.testing.Tokens;

/**
 * Every function the manifest says changes the target or a provider, each proved to write its
 * audit record before its first change: target writes are made to fail (the target refuses them,
 * a lock is held past the timeout, the provider refuses) and the "started" record must still be
 * there, with a failed outcome and nothing changed; a session is ended only once the record of
 * ending it is visible; a message reaches a provider only after the audited transaction that
 * queued it. A function added to the manifest without a scenario here fails the first test.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
@WithTestResource(FakeSupabase.class)
@WithTestResource(FakeSlack.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeRailway.class)
class ChangingFunctionsTest {

    /** The manifest function a scenario proves. */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Proves {
        String[] value();
    }

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void fresh() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        ops.quiet();
        FakeProviders.paystack().resetAll();
        FakeSlack.answerNormally();
        FakeMessaging.acceptEmail();
    }

    @Test
    void everyFunctionThatChangesTheTargetOrAProviderIsProvedHere() {
        Set<String> changing = FunctionManifest.load().all().values().stream().filter(FunctionManifest.Function::changesTheWorld)
                .map(FunctionManifest.Function::id).collect(Collectors.toCollection(TreeSet::new));
        Set<String> proved = Arrays.stream(getClass().getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Proves.class))
                .flatMap(m -> Arrays.stream(m.getAnnotation(Proves.class).value())).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(changing, proved, "each function that changes the target or a provider needs a scenario");
    }

    static Response post(String function, String token, String body) {
        return given().header("Authorization", Tokens.bearer(token)).contentType(ContentType.JSON).body(body)
                .post("/" + function);
    }

    static String planOf(String function, String body) {
        Response r = post(function, Tokens.RESPONDER, body);
        assertEquals(200, r.statusCode(), r.asString());
        return r.path("planId");
    }

    /** The target refuses every write to every table, as a read-only replica or the app's own trigger would. */
    void refusingWrites(Runnable during) {
        Sql.exec(db.target(), """
                CREATE OR REPLACE FUNCTION public.fb_refuse() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'the target refuses writes'; END $$;
                DO $$ DECLARE t record; BEGIN
                  FOR t IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ('public', 'auth') LOOP
                    EXECUTE format('CREATE TRIGGER fb_refuse BEFORE INSERT OR UPDATE OR DELETE ON %I.%I '
                        'FOR EACH ROW EXECUTE FUNCTION public.fb_refuse()', t.schemaname, t.tablename);
                  END LOOP; END $$""");
        try {
            during.run();
        } finally {
            Sql.exec(db.target(), """
                    DO $$ DECLARE t record; BEGIN
                      FOR t IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ('public', 'auth') LOOP
                        EXECUTE format('DROP TRIGGER IF EXISTS fb_refuse ON %I.%I', t.schemaname, t.tablename);
                      END LOOP; END $$""");
        }
    }

    /** The records a function wrote after {@code afterId}, as action:outcome. */
    List<String> records(String function, long afterId) {
        return ops.query("SELECT action || ':' || split_part(outcome, ':', 1) AS r FROM audit_records WHERE function = '"
                + function + "' AND id > " + afterId + " ORDER BY id").stream().map(r -> r.get("r").toString()).toList();
    }

    long lastAuditId() {
        return Sql.count(db.ops(), "SELECT coalesce(max(id), 0) FROM audit_records");
    }

    /** The answer of an apply the target refused: a clear 503 naming its record, never a 500. */
    static void refusedCleanly(Response r) {
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("apply_failed", r.path("error.code"), r.asString());
        assertEquals(0, (int) r.path("error.details.committed"));
    }

    @Test
    @Proves("clear-retry-queue")
    void clearRetryQueue() {
        String storm = target.integration("Xero", true);
        target.syncLogs(storm, "retrying", 30, 5);
        String body = "{\"integrationId\":\"" + storm + "\"}";
        String plan = planOf("clear-retry-queue", body);
        long before = lastAuditId();
        refusingWrites(() -> refusedCleanly(post("clear-retry-queue", Tokens.RESPONDER, applying(body, plan, "proof"))));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("clear-retry-queue", before));
        assertEquals(30, target.count("SELECT count(*) FROM erp_sync_logs WHERE sync_status = 'retrying'"));
    }

    @Test
    @Proves("undo")
    void undo() {
        String storm = target.integration("Xero", true);
        target.syncLogs(storm, "retrying", 20, 5);
        String body = "{\"integrationId\":\"" + storm + "\"}";
        long applied = ((Number) post("clear-retry-queue", Tokens.RESPONDER,
                applying(body, planOf("clear-retry-queue", body), "proof"))
                .then().statusCode(200).extract().path("auditId")).longValue();
        String undo = "{\"auditId\":" + applied + "}";
        String plan = planOf("undo", undo);
        long before = lastAuditId();
        refusingWrites(() -> refusedCleanly(post("undo", Tokens.RESPONDER, applying(undo, plan, "proof"))));
        assertEquals(List.of("undo-started:started", "undo:failed"), records("undo", before));
        assertEquals(20, target.count("SELECT count(*) FROM erp_sync_logs WHERE sync_status = 'dismissed'"));
    }

    void paystackSays(String reference) {
        FakeProviders.paystack().stubFor(get(urlPathMatching("/transaction/verify/" + reference)).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(FakeProviders.paystackBody(reference, "success", 500000, "NGN"))));
    }

    @Test
    @Proves("verify-payment")
    void verifyPayment() {
        target.payment("PROOF-1", "paystack", 500000, "NGN", "pending", 90);
        paystackSays("PROOF-1");
        String body = "{\"reference\":\"PROOF-1\"}";
        String plan = planOf("verify-payment", body);
        long before = lastAuditId();
        refusingWrites(() -> refusedCleanly(post("verify-payment", Tokens.RESPONDER, applying(body, plan, "proof"))));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("verify-payment", before));
        assertEquals("pending", target.status("PROOF-1"));
    }

    @Test
    @Proves("payment-webhook")
    void paymentWebhook() throws Exception {
        target.payment("PROOF-2", "paystack", 500000, "NGN", "pending", 5);
        paystackSays("PROOF-2");
        String body = "{\"event\":\"charge.success\",\"data\":{\"reference\":\"PROOF-2\",\"amount\":500000,\"currency\":\"NGN\"}}";
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(FakeProviders.PAYSTACK_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        long before = lastAuditId();
        refusingWrites(() -> refusedCleanly(given().contentType(ContentType.JSON).header("x-paystack-signature", signature)
                .body(body).post("/payment-webhook")));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("payment-webhook", before));
        assertEquals("pending", target.status("PROOF-2"));
    }

    @Test
    @Proves("requeue")
    void requeue() {
        Sql.exec(db.target(), """
                CREATE TABLE IF NOT EXISTS public.email_log (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    recipient text NOT NULL, subject text NOT NULL, status text NOT NULL DEFAULT 'pending',
                    retry_count int NOT NULL DEFAULT 0, next_retry_at timestamptz);
                TRUNCATE public.email_log;
                INSERT INTO public.email_log (recipient, subject, status, retry_count)
                SELECT 'a@example.com', 'Invoice', 'failed', 3 FROM generate_series(1, 5)""");
        String body = "{\"name\":\"email-retry\"}";
        String plan = planOf("requeue", body);
        long before = lastAuditId();
        refusingWrites(() -> refusedCleanly(post("requeue", Tokens.RESPONDER, applying(body, plan, "proof"))));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("requeue", before));
        assertEquals(5, target.count("SELECT count(*) FROM email_log WHERE status = 'failed'"));
    }

    /** Whether the session is alive; a watcher's own connection caught in the termination just asks again. */
    static boolean stillAlive(TestSessions sessions, int pid) {
        try {
            return sessions.alive(pid);
        } catch (IllegalStateException terminated) {
            return true;
        }
    }

    @Test
    @Proves("freeze-writes")
    void freezeWrites() throws Exception {
        try (TestSessions sessions = new TestSessions(db.target())) {
            int victim = sessions.running("proof-app", 60);
            String body = "{\"roles\":[\"" + TestSessions.APP_ROLE + "\"]}";
            String plan = planOf("freeze-writes", body);
            ApprovedPlans.approve(plan);
            long before = lastAuditId();
            AtomicReference<List<String>> seenWhenEnded = new AtomicReference<>();
            Thread watcher = new Thread(() -> {
                while (stillAlive(sessions, victim)) {
                    Thread.onSpinWait();
                }
                seenWhenEnded.set(records("freeze-writes", before));
            });
            watcher.start();
            Response r = post("freeze-writes", Tokens.RESPONDER, applying(body, plan, "proof"));
            watcher.join(10_000);
            assertEquals(200, r.statusCode(), r.asString());
            assertTrue(seenWhenEnded.get().contains("apply-started:started"),
                    "the record of freezing the role was there when its session ended: " + seenWhenEnded.get());
            assertEquals(List.of("apply-started:started", "apply:applied"), records("freeze-writes", before));
            Sql.exec(db.target(), "ALTER ROLE " + TestSessions.APP_ROLE + " IN DATABASE " + db.target().substring(
                    db.target().lastIndexOf('/') + 1) + " RESET default_transaction_read_only");
        }
    }

    @Test
    @Proves("restore-snapshot")
    void restoreSnapshot() throws Exception {
        Sql.exec(db.target(), "DROP TABLE IF EXISTS public.proof_rows, public.proof_rows_back; CREATE TABLE public.proof_rows AS "
                + "SELECT g AS id FROM generate_series(1, 10) g");
        Response taken = post("snapshot-tables", Tokens.RESPONDER, "{\"tables\":[\"proof_rows\"],\"apply\":true,"
                + "\"reason\":\"proof\"}");
        assertEquals(200, taken.statusCode(), taken.asString());
        String body = "{\"snapshotId\":\"" + taken.path("snapshots[0].snapshotId") + "\",\"into\":\"proof_rows_back\"}";
        String plan = planOf("restore-snapshot", body);
        ApprovedPlans.approve(plan);
        long before = lastAuditId();
        // The original table is held: the restore (CREATE TABLE ... LIKE it) waits past its lock timeout and gives up.
        try (Connection holder = Sql.connect(db.target())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE public.proof_rows IN ACCESS EXCLUSIVE MODE");
                Response r = post("restore-snapshot", Tokens.RESPONDER, applying(body, plan, "proof"));
                assertTrue(r.statusCode() == 409 || r.statusCode() == 503, r.asString());
            }
            holder.rollback();
        }
        assertEquals(List.of("apply-started:started", "apply:failed"), records("restore-snapshot", before));
        assertEquals(0, target.count("SELECT count(*) FROM pg_class WHERE relname = 'proof_rows_back'"));
        Sql.exec(db.target(), "DROP TABLE public.proof_rows");
    }

    @Test
    @Proves("run-fix")
    void runFix() {
        Sql.exec(db.target(), """
                CREATE TABLE IF NOT EXISTS public.api_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    name text NOT NULL UNIQUE, rate_limit_per_minute int NOT NULL DEFAULT 60,
                    is_active boolean NOT NULL DEFAULT true);
                TRUNCATE public.api_keys;
                INSERT INTO public.api_keys (name) VALUES ('erp-connector')""");
        String body = "{\"name\":\"revoke-api-key\",\"params\":{\"name\":\"erp-connector\"}}";
        String plan = planOf("run-fix", body);
        long before = lastAuditId();
        refusingWrites(() -> refusedCleanly(post("run-fix", Tokens.RESPONDER, applying(body, plan, "proof"))));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("run-fix", before));
        assertEquals(1, target.count("SELECT count(*) FROM api_keys WHERE is_active"));
    }

    @Test
    @Proves("vacuum-analyze")
    void vacuumAnalyze() throws Exception {
        String body = "{\"tables\":[\"public.erp_sync_logs\"],\"analyzeOnly\":true}";
        String plan = planOf("vacuum-analyze", body);
        long before = lastAuditId();
        try (Connection holder = Sql.connect(db.target())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                // Conflicts with ANALYZE (and VACUUM) but not with the plan's catalog reads.
                s.execute("LOCK TABLE public.erp_sync_logs IN SHARE UPDATE EXCLUSIVE MODE");
                Response r = post("vacuum-analyze", Tokens.RESPONDER, applying(body, plan, "proof"));
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(0, (int) r.path("tablesDone"), "the held lock stopped the statement");
            }
            holder.rollback();
        }
        assertEquals(List.of("apply-started:started", "apply:partial"), records("vacuum-analyze", before));
    }

    @Test
    @Proves("terminate-sessions")
    void terminateSessions() throws Exception {
        try (TestSessions sessions = new TestSessions(db.target())) {
            int victim = sessions.running("proof-victim", 60);
            String body = "{\"pids\":[" + victim + "]}";
            String plan = planOf("terminate-sessions", body);
            long before = lastAuditId();
            AtomicReference<List<String>> seenWhenEnded = new AtomicReference<>();
            Thread watcher = new Thread(() -> {
                while (sessions.alive(victim)) {
                    Thread.onSpinWait();
                }
                seenWhenEnded.set(records("terminate-sessions", before));
            });
            watcher.start();
            post("terminate-sessions", Tokens.RESPONDER, applying(body, plan, "proof")).then().statusCode(200);
            watcher.join(10_000);
            assertTrue(seenWhenEnded.get().contains("apply-started:started"),
                    "the record of ending the session was there when it ended: " + seenWhenEnded.get());
            assertEquals(List.of("apply-started:started", "apply:applied"), records("terminate-sessions", before));
        }
    }

    @Test
    @Proves("contain-breach")
    void containBreach() {
        WireMockServer api = FakeSupabase.server();
        api.resetAll();
        // Supabase lists the keys (so the plan can be made and checked again) but refuses every change.
        String keys = "/v1/projects/" + FakeSupabase.REF + "/api-keys";
        String signing = "/v1/projects/" + FakeSupabase.REF + "/config/auth/signing-keys";
        api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"internal error\"}")));
        api.stubFor(get(keys).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("[{\"id\":\"k-old\",\"type\":\"secret\",\"name\":\"default\"}]")));
        api.stubFor(get(signing).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"keys\":[{\"id\":\"sk-1\",\"algorithm\":\"HS256\",\"status\":\"in_use\"}]}")));
        target.admin("Ada Obi", "ada@tenant.example", null);
        target.authSessions(2);
        target.integration("Xero", true);
        String body = "{\"scope\":\"project\"}";
        String plan = planOf("contain-breach", body);
        ApprovedPlans.approve(plan);
        long before = lastAuditId();
        refusingWrites(() -> {
            Response r = post("contain-breach", Tokens.RESPONDER, applying(body, plan, "proof"));
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals(true, r.path("resumable"));
        });
        List<String> recorded = records("contain-breach", before);
        assertEquals("apply-started:started", recorded.get(0), recorded.toString());
        assertEquals("apply:partial", recorded.get(recorded.size() - 1), recorded.toString());
        assertTrue(recorded.contains("step:failed"), recorded.toString());
        assertEquals(2, target.count("SELECT count(*) FROM auth.sessions"), "nothing was signed out");
        assertEquals(1, target.count("SELECT count(*) FROM erp_integrations WHERE is_active"));
    }

    @Test
    @Proves("railway-deploy")
    void railwayDeploy() {
        FakeRailway.reset();
        Instant now = Instant.now();
        FakeRailway.state().deployed(FakeRailway.API, "d-prev", now.minusSeconds(3600), "REMOVED", "aaa111");
        FakeRailway.state().deployed(FakeRailway.API, "d-live", now.minusSeconds(600), "SUCCESS", "bbb222");
        String body = "{\"service\":\"api\",\"action\":\"rollback\"}";
        String plan = planOf("railway-deploy", body);
        long before = lastAuditId();
        // Railway refuses the rollback (a GraphQL error with HTTP 200): recorded, nothing changed.
        FakeRailway.state().refuseNext("deploymentRollback", "Cannot rollback to this deployment");
        Response refused = post("railway-deploy", Tokens.RESPONDER, applying(body, plan, "proof"));
        assertEquals(502, refused.statusCode(), refused.asString());
        assertEquals(List.of("apply-started:started", "apply:failed"), records("railway-deploy", before));
        assertEquals(List.of(), FakeRailway.state().mutations());
        // The same plan applied: the mutation reaches Railway only after the started record.
        FakeRailway.server().resetRequests();
        long again = lastAuditId();
        post("railway-deploy", Tokens.RESPONDER, applying(body, plan, "proof")).then().statusCode(200);
        Instant audited = ((java.sql.Timestamp) Sql.rows(db.ops(), "SELECT min(at) AS at FROM audit_records WHERE "
                + "function = 'railway-deploy' AND id > " + again).get(0).get("at")).toInstant();
        var mutations = FakeRailway.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains("deploymentRollback")).toList();
        assertEquals(1, mutations.size());
        assertFalse(mutations.get(0).getRequest().getLoggedDate().toInstant()
                .isBefore(audited.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), "the rollback reached Railway before its record");
        assertEquals(List.of("apply-started:started", "apply:applied"), records("railway-deploy", again));
    }

    /** When each provider request arrived, against the earliest audit record of the function after {@code before}. */
    void messagesAfterTheirRecord(String function, long before, WireMockServer... providers) {
        assertTrue(ops.count("audit_records WHERE function = '" + function + "' AND id > " + before) > 0,
                function + " left an audit record");
        Instant audited = ((java.sql.Timestamp) Sql.rows(db.ops(), "SELECT min(at) AS at FROM audit_records WHERE "
                + "function = '" + function + "' AND id > " + before).get(0).get("at")).toInstant();
        int requests = 0;
        for (WireMockServer provider : providers) {
            for (var event : provider.getAllServeEvents()) {
                Instant received = event.getRequest().getLoggedDate().toInstant();
                if (received.isAfter(audited.minusSeconds(5))) {
                    requests++;
                    assertFalse(received.isBefore(audited.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)),
                            function + " reached a provider at " + received + ", before its audit record at " + audited);
                }
            }
        }
        assertTrue(requests > 0, function + " sent something");
    }

    @Test
    @Proves({ "declare-incident", "update-incident", "resolve-incident", "watch-incidents" })
    void theLifecycleSendsOnlyWhatItsAuditedTransactionQueued() {
        FakeSlack.server().resetRequests();
        long before = lastAuditId();
        String id = io.firebreak.testing.Lifecycle.declare("Payments failing", "P1", "\"commander\":\"ada\"");
        messagesAfterTheirRecord("declare-incident", before, FakeSlack.server());

        FakeSlack.server().resetRequests();
        before = lastAuditId();
        post("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"status\":\"mitigating\",\"text\":\"failover\"}")
                .then().statusCode(200);
        messagesAfterTheirRecord("update-incident", before, FakeSlack.server());

        FakeSlack.server().resetRequests();
        before = lastAuditId();
        post("resolve-incident", Tokens.ADMIN, "{\"id\":\"" + id + "\",\"resolution\":\"failed over\",\"force\":true,\"reason\":\"verified by hand\"}")
                .then().statusCode(200);
        messagesAfterTheirRecord("resolve-incident", before, FakeSlack.server());

        // The watch escalates an unacknowledged incident: its messages too leave after its record.
        String quiet = io.firebreak.testing.Lifecycle.declare("Search slow", "P1", null);
        Sql.exec(db.ops(), "UPDATE incidents SET opened_at = now() - interval '2 hours', acknowledged_at = NULL "
                + "WHERE id = '" + quiet + "'");
        FakeSlack.server().resetRequests();
        before = lastAuditId();
        post("watch-incidents", Tokens.RESPONDER, "{}").then().statusCode(200);
        messagesAfterTheirRecord("watch-incidents", before, FakeSlack.server());
    }

    @Test
    @Proves("notify-tenant")
    void notifyTenant() {
        String tenant = target.admin("Ada Obi", "ada@tenant.example", null);
        String incident = io.firebreak.testing.Lifecycle.declare("Payments failing", "P1", null);
        String body = "{\"tenantId\":\"" + tenant + "\",\"incidentId\":\"" + incident + "\",\"phase\":\"investigating\","
                + "\"channels\":[\"email\"]}";
        String plan = planOf("notify-tenant", body);
        FakeMessaging.resend().resetRequests();
        long before = lastAuditId();
        post("notify-tenant", Tokens.RESPONDER, applying(body, plan, "proof")).then().statusCode(200);
        messagesAfterTheirRecord("notify-tenant", before, FakeMessaging.resend());
    }

    /** Railway as the two variable functions find it: a live deployment, the switch off, a secret set. */
    void railwayAsFound() {
        FakeRailway.reset();
        FakeRailway.state().deployed(FakeRailway.API, "d-live", Instant.now().minusSeconds(600), "SUCCESS", "bbb222");
        FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE", "false");
        FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET", "old-secret-for-the-proof");
    }

    /** Railway refused the mutation (an HTTP-200 errors array): a clear 502, recorded, nothing changed there. */
    static void railwayRefused(Response r) {
        assertEquals(502, r.statusCode(), r.asString());
        assertEquals("railway_refused", r.path("error.code"), r.asString());
    }

    @Test
    @Proves("railway-variable")
    void railwayVariable() {
        railwayAsFound();
        String body = "{\"service\":\"api\",\"name\":\"MAINTENANCE_MODE\",\"value\":\"true\"}";
        String plan = planOf("railway-variable", body);
        long before = lastAuditId();
        FakeRailway.state().refuseNext("variableUpsert", "Not Authorized");
        railwayRefused(post("railway-variable", Tokens.RESPONDER, applying(body, plan, "proof")));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("railway-variable", before));
        assertEquals("false", FakeRailway.state().variable(FakeRailway.API, "MAINTENANCE_MODE"));
        assertEquals(List.of(), FakeRailway.state().mutations());
    }

    @Test
    @Proves("rotate-secret")
    void rotateSecret() {
        railwayAsFound();
        target.admin("Ada Obi", "ada@tenant.example", null);
        target.authSessions(2);
        String body = "{\"service\":\"api\",\"name\":\"SESSION_SECRET\"}";
        String plan = planOf("rotate-secret", body);
        ApprovedPlans.approve(plan);
        long before = lastAuditId();
        FakeRailway.state().refuseNext("variableUpsert", "Not Authorized");
        railwayRefused(post("rotate-secret", Tokens.RESPONDER, applying(body, plan, "proof")));
        assertEquals(List.of("apply-started:started", "apply:failed"), records("rotate-secret", before));
        assertEquals("old-secret-for-the-proof", FakeRailway.state().variable(FakeRailway.API, "SESSION_SECRET"));
        assertEquals(2, target.count("SELECT count(*) FROM auth.sessions"), "nobody was signed out");
    }
}
