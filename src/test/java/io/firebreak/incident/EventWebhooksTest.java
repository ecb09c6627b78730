package io.firebreak.incident;

import static io.firebreak.testing.Lifecycle.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.EventReceiver;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Signed event webhooks end to end: a real receiver checks every delivery exactly as
 * docs/event-webhooks.md tells receivers to, retries follow the outbox's rules, and a hanging
 * receiver never holds up an incident call.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(EventReceiver.class)
class EventWebhooksTest {

    @TestDatabases.Inject
    TestDatabases db;

    @Inject
    EventWebhooks webhooks;

    OpsRecords ops;

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        EventReceiver.answer((body, seen) -> 200);
    }

    /** The receiver's check, as the docs give it: the signed timestamp within 5 minutes, then the HMAC, constant-time. */
    static boolean verify(String secret, String signatureHeader, String rawBody, long nowSeconds) throws Exception {
        String t = null;
        List<String> v1 = new ArrayList<>();
        for (String part : signatureHeader.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1.add(kv[1]);
            }
        }
        if (t == null || v1.isEmpty() || !t.matches("\\d{1,12}") || Math.abs(nowSeconds - Long.parseLong(t)) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = HexFormat.of().formatHex(mac.doFinal((t + "." + rawBody).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
        return v1.stream().anyMatch(sig -> MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.UTF_8)));
    }

    static void await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private List<Map<String, Object>> rows(String id) {
        return Sql.rows(db.ops(), "SELECT event_id, event_type, state, attempts, last_error FROM event_webhook_deliveries "
                + "WHERE incident_id = '" + id + "' ORDER BY id");
    }

    private void dueNow(String id) {
        Sql.exec(db.ops(), "UPDATE event_webhook_deliveries SET next_attempt_at = now() - interval '1 second' "
                + "WHERE incident_id = '" + id + "'");
    }

    @Test
    void everyEventTypeArrivesOnceWithItsIdSignedAsTheDocsSay() throws Exception {
        String id = Lifecycle.declare("Webhooks: checkout failing", "P2", null);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Failover started\",\"severity\":\"P1\","
                + "\"reason\":\"more tenants\"}").statusCode(200);
        call("resolve-incident", Tokens.ADMIN, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back\",\"force\":true,"
                + "\"reason\":\"webhook drill\"}").statusCode(200);
        call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\",\"written\":true,\"link\":\"https://wiki.team.example/pm/"
                + id + "\"}").statusCode(200);

        Set<String> types = Set.of("incident.declared", "incident.updated", "incident.severity_changed",
                "incident.escalated", "incident.resolved", "incident.postmortem_written");
        await(() -> rows(id).stream().allMatch(r -> "sent".equals(r.get("state")))
                && EventReceiver.about(id).stream().map(d -> d.body().path("type").asText()).collect(Collectors.toSet())
                        .containsAll(types), "every event delivered");
        var got = EventReceiver.about(id);
        assertEquals(types, got.stream().map(d -> d.body().path("type").asText()).collect(Collectors.toCollection(TreeSet::new))
                .stream().collect(Collectors.toSet()));
        // Declared at level 1 and raised to level 2: two escalations, each its own event.
        assertEquals(7, got.size(), "one delivery per event: " + got.stream().map(d -> d.body().path("type").asText()).toList());
        assertEquals(got.size(), got.stream().map(d -> d.body().path("id").asText()).distinct().count());
        assertEquals(got.size(), rows(id).size());
        long now = System.currentTimeMillis() / 1000;
        for (var d : got) {
            assertTrue(verify(EventReceiver.SECRET, d.header("Firebreak-Signature"), d.rawBody(), now), d.rawBody());
            assertEquals(d.body().path("id").asText(), d.header("Firebreak-Event-Id"));
            assertEquals(d.body().path("type").asText(), d.header("Firebreak-Event-Type"));
            assertTrue(d.header("Firebreak-Signature").startsWith("t=" + d.header("Firebreak-Timestamp") + ",v1="));
            assertTrue(d.header("content-type").startsWith("application/json"));
            // What a receiver must refuse: another body, a replayed old signature, another secret.
            assertFalse(verify(EventReceiver.SECRET, d.header("Firebreak-Signature"), d.rawBody() + " ", now));
            assertFalse(verify(EventReceiver.SECRET, d.header("Firebreak-Signature"), d.rawBody(), now + 301));
            assertFalse(verify("another-secret", d.header("Firebreak-Signature"), d.rawBody(), now));
        }
        var resolved = got.stream().filter(d -> d.body().path("type").asText().equals("incident.resolved")).findFirst()
                .orElseThrow().body();
        assertEquals("resolved", resolved.path("incident").path("status").asText());
        assertEquals("resolved", resolved.path("event").path("kind").asText());
        var severity = got.stream().filter(d -> d.body().path("type").asText().equals("incident.severity_changed"))
                .findFirst().orElseThrow().body();
        assertEquals("P1", severity.path("event").path("detail").path("to").asText());
        var pm = got.stream().filter(d -> d.body().path("type").asText().equals("incident.postmortem_written"))
                .findFirst().orElseThrow().body();
        assertEquals("https://wiki.team.example/pm/" + id, pm.path("incident").path("postmortemLink").asText());
        // The declaration's snapshot is the incident as declared: its impact and escalation level 1 (the declaring
        // function writes both after the event itself).
        var declared = got.stream().filter(d -> d.body().path("type").asText().equals("incident.declared")).findFirst()
                .orElseThrow().body();
        assertEquals("Tenants cannot pay", declared.path("incident").path("impact").asText(), declared.toString());
        assertEquals(1, declared.path("incident").path("escalationLevel").asInt(), declared.toString());
        assertEquals("P2", declared.path("incident").path("severity").asText());

        // Delivered is done: another run sends nothing again.
        dueNow(id);
        webhooks.deliver().await().indefinitely();
        assertEquals(7, EventReceiver.about(id).size());
    }

    @Test
    void a500IsRetriedWithTheSameEventIdAndStopsAfterThe200() {
        EventReceiver.answer((body, seen) -> body.path("incident").path("title").asText().startsWith("Flaky") && seen == 0
                ? 500 : 200);
        String id = Lifecycle.declare("Flaky receiver", "P3", null);
        await(() -> !rows(id).isEmpty() && rows(id).stream().allMatch(r -> r.get("last_error") != null),
                "the first attempts answered 500");
        for (var r : rows(id)) {
            assertEquals("pending", r.get("state"));
            assertEquals("webhook answered 500", r.get("last_error"));
        }
        dueNow(id);
        webhooks.deliver().await().indefinitely();
        await(() -> rows(id).stream().allMatch(r -> "sent".equals(r.get("state"))), "the retries delivered");
        for (var r : rows(id)) {
            assertEquals(2, r.get("attempts"));
            String eventId = (String) r.get("event_id");
            assertEquals(2, EventReceiver.about(id).stream().filter(d -> d.body().path("id").asText().equals(eventId)).count());
        }
        int before = EventReceiver.about(id).size();
        dueNow(id);
        webhooks.deliver().await().indefinitely();
        assertEquals(before, EventReceiver.about(id).size());
    }

    @Test
    void a410Or400IsNeverRetried() {
        EventReceiver.answer((body, seen) -> body.path("incident").path("title").asText().startsWith("Gone")
                ? (body.path("type").asText().equals("incident.declared") ? 410 : 400) : 200);
        String id = Lifecycle.declare("Gone receiver", "P3", null);
        await(() -> !rows(id).isEmpty() && rows(id).stream().allMatch(r -> "dead".equals(r.get("state"))), "dead letters");
        int before = EventReceiver.about(id).size();
        assertEquals(rows(id).size(), before);
        dueNow(id);
        webhooks.deliver().await().indefinitely();
        assertEquals(before, EventReceiver.about(id).size());
        assertTrue(rows(id).stream().anyMatch(r -> "webhook answered 410".equals(r.get("last_error"))));
        assertTrue(rows(id).stream().anyMatch(r -> "webhook answered 400".equals(r.get("last_error"))));
        await(() -> ops.timeline(id).stream().filter(e -> e.get("kind").equals("webhook-failed")).count() == before,
                "dead letters on the timeline");
    }

    @Test
    void aHangingReceiverNeverDelaysTheIncidentCall() {
        // The first calls after start-up pay for class loading: warm up, so the timing below measures the hook.
        String warm = Lifecycle.declare("Webhooks warm-up", "P3", null);
        await(() -> rows(warm).stream().allMatch(r -> "sent".equals(r.get("state"))), "the warm-up delivered");
        ops.quiet();
        EventReceiver.answer((body, seen) -> body.path("incident").path("title").asText().startsWith("Hanging") ? -15000 : 200);
        long start = System.nanoTime();
        String id = Lifecycle.declare("Hanging receiver", "P3", null);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"Still looking\"}").statusCode(200);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 3000, "declare and update took " + tookMs + " ms");
        // Each attempt gives up at the configured deadline (1 s in tests) and waits for its retry.
        await(() -> rows(id).size() == 3 && rows(id).stream().allMatch(r -> r.get("last_error") != null
                && ((String) r.get("last_error")).startsWith("webhook unreachable")), "timeouts recorded");
        rows(id).forEach(r -> assertEquals("pending", r.get("state")));
    }
}
