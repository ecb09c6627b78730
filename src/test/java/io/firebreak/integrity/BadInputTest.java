package io.firebreak.integrity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.SampleCalls;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * Bad input, as a fuzzer and a tired engineer send it, to every manifest function: whole bodies
 * that are not one JSON object, and every field of a well-formed call replaced by control
 * characters, wrong types, huge text, null list elements. Each answer is the one error shape (or a
 * normal answer where the value is acceptable), never a 500, and none changes anything.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class BadInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TestDatabases.Inject
    TestDatabases db;

    static final List<String> BODIES = List.of("12", "[]", "null", "\"text\"", "{} {}", "{}{\"x\":1}", "{\"a\":", "{'a':1}",
            "\u0000", "{\"a\":\"\\u0000\"}", "{\"\\u0000\":1}");

    static final List<JsonNode> VALUES = List.of(JsonNodeFactory.instance.textNode("\u0000"),
            JsonNodeFactory.instance.textNode("a\u0007b\r\nBcc: x@evil.example"), JsonNodeFactory.instance.numberNode(12345),
            JsonNodeFactory.instance.numberNode(-1), JsonNodeFactory.instance.numberNode(new java.math.BigDecimal("1e30")),
            JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.objectNode().put("x", 1),
            JsonNodeFactory.instance.arrayNode().addNull(), JsonNodeFactory.instance.arrayNode(),
            JsonNodeFactory.instance.textNode("x".repeat(5000)), JsonNodeFactory.instance.nullNode(),
            JsonNodeFactory.instance.textNode("'; DROP TABLE incidents; --"));

    /** Checks one answer: never a 500; an error is the documented shape with its own status. */
    static void answeredCleanly(String what, Response r) {
        assertTrue(r.statusCode() < 500 || r.statusCode() == 503, what + " answered " + r.statusCode() + ": " + r.asString());
        String body = r.asString();
        assertFalse(body.contains("Exception") || body.contains("\tat "), what + " leaked internals: " + body);
        if (r.statusCode() >= 400) {
            assertEquals(r.statusCode(), (int) r.path("error.status"), what + ": " + body);
            assertNotNull(r.path("error.code"), what + ": " + body);
            assertNotNull(r.path("error.message"), what + ": " + body);
        }
    }

    /** Runs last: a mutated call that is still valid (dryRun: null) really declares, and the others need a quiet record. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void everyFunctionAnswersMalformedInputInTheErrorShapeAndARefusalChangesNothing() throws Exception {
        int sent = 0;
        int refusals = 0;
        try (java.sql.Connection ops = io.firebreak.testing.Sql.connect(db.ops())) {
        for (String function : SampleCalls.CALLS.keySet()) {
            List<String> bodies = new ArrayList<>(BODIES);
            ObjectNode sample = (ObjectNode) JSON.readTree(SampleCalls.CALLS.get(function).body());
            for (String path : paths(sample, "")) {
                for (JsonNode value : VALUES) {
                    ObjectNode mutated = sample.deepCopy();
                    set(mutated, path, value);
                    bodies.add(mutated.toString());
                }
            }
            for (String body : bodies) {
                String before = counts(ops);
                Response r = SampleCalls.send(function, body);
                answeredCleanly(function + " <- " + abbreviate(JsonNodeFactory.instance.textNode(body)), r);
                if (r.statusCode() >= 400) {
                    refusals++;
                    assertEquals(before, counts(ops), function + " <- " + body + ": a refusal recorded something");
                }
                sent++;
            }
        }
        }
        System.out.printf("bad input: %d calls over %d functions, %d refused in the error shape, none answered 500%n", sent,
                SampleCalls.CALLS.size(), refusals);
    }

    /** Audit records, incidents and idempotency keys: what a refusal must leave as it was. */
    static String counts(java.sql.Connection ops) throws java.sql.SQLException {
        try (var st = ops.createStatement(); var rs = st.executeQuery("SELECT (SELECT count(*) FROM audit_records) || '/' "
                + "|| (SELECT count(*) FROM incidents) || '/' || (SELECT count(*) FROM idempotency_keys)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theSampleCallsCoverTheManifest() {
        assertEquals(new java.util.TreeSet<>(FunctionManifest.load().all().keySet()),
                new java.util.TreeSet<>(SampleCalls.CALLS.keySet()));
    }

    static List<String> paths(ObjectNode node, String prefix) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(prefix + e.getKey());
            if (e.getValue() instanceof ObjectNode child) {
                out.addAll(paths(child, prefix + e.getKey() + "."));
            }
        }
        return out;
    }

    static void set(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }

    static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static Response post(String function, String token, String body, Map<String, String> headers) {
        var request = given().header("Authorization", Tokens.bearer(token)).contentType(ContentType.JSON).body(body);
        for (var h : headers.entrySet()) {
            request = request.header(h.getKey(), h.getValue());
        }
        return request.post("/" + function);
    }

    static void refused(Response r, String code, String field) {
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals(code, r.path("error.code"), r.asString());
        assertEquals(field, r.path("error.field"), r.asString());
    }

    @Test
    void aControlCharacterInAnyTextFieldIsRefusedWithItsFieldBeforeAnythingRuns() {
        OpsRecords ops = new OpsRecords(db.ops());
        List<Long> before = ops.snapshot();
        long audits = ops.count("audit_records");
        long keys = ops.count("idempotency_keys");
        String nul = "\\u0000";
        Object[][] cases = {
                { "declare-incident", Tokens.ADA, "{\"title\":\"pay" + nul + "\",\"severity\":\"P1\"}", "title" },
                { "update-incident", Tokens.ADA, "{\"id\":\"" + SampleCalls.INCIDENT + "\",\"text\":\"a" + nul + "\"}", "text" },
                { "update-incident", Tokens.ADA, "{\"id\":\"" + SampleCalls.INCIDENT + "\",\"reason\":\"" + nul + "\"}", "reason" },
                { "add-note", Tokens.ADA, "{\"id\":\"" + SampleCalls.INCIDENT + "\",\"text\":\"" + nul + "\"}", "text" },
                { "assign-role", Tokens.ADA, "{\"id\":\"" + SampleCalls.INCIDENT + "\",\"role\":\"scribe\",\"person\":\"bola\","
                        + "\"reason\":\"x" + nul + "\"}", "reason" },
                { "notify-tenant", Tokens.RESPONDER, "{\"tenantId\":\"" + SampleCalls.TENANT + "\",\"incidentId\":\""
                        + SampleCalls.INCIDENT + "\",\"phase\":\"investigating\",\"feature\":\"pay\\r\\nBcc: x@evil.example\"}",
                        "feature" },
                { "verify-payment", Tokens.RESPONDER, "{\"reference\":\"PSK" + nul + "\"}", "reference" },
                { "terminate-sessions", Tokens.RESPONDER, "{\"idleFor\":\"10m\",\"application\":\"a" + nul + "\"}", "application" },
                { "top-errors", Tokens.RESPONDER, "{\"service\":\"edge" + nul + "\"}", "service" },
                { "requeue", Tokens.RESPONDER, "{\"name\":\"email-retry\",\"ids\":[\"" + nul + "\"]}", "ids[0]" },
                { "monitor-alert", Tokens.MONITOR, "{\"monitorID\":\"79\\n3456 FORGED LOG LINE\",\"alertType\":\"1\"}", "monitorID" },
                { "clear-retry-queue", Tokens.RESPONDER, "{\"integrationId\":\"" + SampleCalls.TENANT + "\",\"apply\":true,"
                        + "\"planId\":\"0b4f7a3e-2d0f-4c38-9a7e-1d2c3b4a5f60\",\"reason\":\"storm" + nul + "\"}", "reason" },
        };
        for (Object[] c : cases) {
            refused(post((String) c[0], (String) c[1], (String) c[2], Map.of()), "invalid_value", (String) c[3]);
        }
        // A signed webhook whose reference holds a NUL: refused too (a provider resends 4xx, and this one never settles).
        String webhook = "{\"event\":\"charge.success\",\"data\":{\"reference\":\"PSK" + nul + "\"}}";
        Response r = given().contentType(ContentType.JSON).header("x-paystack-signature", SampleCalls.paystackSignature(webhook))
                .body(webhook).post("/payment-webhook");
        refused(r, "invalid_value", "data.reference");
        // Free text keeps its line breaks and tabs.
        post("add-note", Tokens.ADA, "{\"id\":\"INC-2026-12-01-999\",\"text\":\"line one\\n\\tline two\",\"dryRun\":true}",
                Map.of()).then().statusCode(404); // no such incident: the text itself was accepted
        assertEquals(before, ops.snapshot(), "nothing was recorded");
        assertEquals(audits, ops.count("audit_records"));
        assertEquals(keys, ops.count("idempotency_keys"), "no idempotency key was burned");
    }

    @Test
    void shapesSizesAndHeadersAreRefusedInTheErrorShape() {
        refused(post("list-incidents", Tokens.RESPONDER, "{} {}", Map.of()), "malformed_json", null);
        refused(post("confirm-outage", Tokens.MONITOR, "12", Map.of()), "invalid_type", null);
        refused(post("notify-tenant", Tokens.RESPONDER, "{\"tenantId\":\"" + SampleCalls.TENANT + "\",\"incidentId\":\""
                + SampleCalls.INCIDENT + "\",\"phase\":\"investigating\",\"channels\":[null]}", Map.of()), "invalid_value", "channels[0]");
        refused(post("contain-breach", Tokens.RESPONDER, "{\"scope\":\"project\",\"steps\":[null]}", Map.of()), "invalid_value",
                "steps[0]");
        refused(post("list-incidents", Tokens.RESPONDER, "{}", Map.of("Idempotency-Key", "k".repeat(3000))), "invalid_value",
                "idempotencyKey");
        Response big = given().header("Authorization", "Bearer " + "t".repeat(20_000)).contentType(ContentType.JSON).body("{}")
                .post("/list-incidents");
        assertEquals(400, big.statusCode(), big.asString());
        assertEquals("header_too_large", big.path("error.code"));
        assertEquals(400, (int) big.path("error.status"));
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON).body("{}")
                .post("/verify-audit").then().statusCode(200);
        refused(given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON)
                .body("{\"deep\":true}").post("/verify-audit"), "unexpected_input", null);
    }
}
