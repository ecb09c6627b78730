package io.firebreak.functions.statuspage;

import static io.firebreak.testing.Lifecycle.call;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * The public status page as customers and their tools read it: public words only from the public
 * part, every Statuspage v2 document valid against the published contract, caching headers,
 * maintenance and overrides, subscriptions with double opt-in and signed webhooks, and the export.
 */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageFunctionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> DOCUMENTS = List.of("summary", "status_response", "components", "incidents", "unresolved",
            "scheduled_maintenances", "upcoming", "active");
    static final List<String> PATHS = List.of("summary.json", "status.json", "components.json", "incidents.json",
            "incidents/unresolved.json", "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
            "scheduled-maintenances/active.json");

    static HttpServer receiver;
    static final List<Map<String, String>> received = new CopyOnWriteArrayList<>();

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;
    String suffix;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(Map.of("body", new String(in.readAllBytes(), StandardCharsets.UTF_8), "signature",
                        String.valueOf(exchange.getRequestHeaders().getFirst("X-Firebreak-Signature"))));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    @BeforeEach
    void quiet() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        // Another class's failing probes would colour the components this class checks.
        io.firebreak.testing.Sql.exec(db.ops(), "DELETE FROM confirmations WHERE at > now() - interval '1 hour'");
        FakeSlack.answerNormally();
        FakeMessaging.acceptEmail();
        suffix = UUID.randomUUID().toString().substring(0, 6);
        io.firebreak.testing.Sql.exec(db.ops(), "INSERT INTO component_overrides (component, status, set_at, set_by, reason, "
                + "audit_id) SELECT c, NULL, now(), 'test', 'reset', (SELECT max(id) FROM audit_records) "
                + "FROM unnest(ARRAY['api','web','payments','documents','notifications']) c "
                + "WHERE EXISTS (SELECT 1 FROM audit_records)");
    }

    static JsonNode document(String path) throws Exception {
        String body = given().get("/status/api/v2/" + path).then().statusCode(200)
                .contentType(containsString("application/json")).header("access-control-allow-origin", "*")
                .extract().asString();
        return JSON.readTree(body);
    }

    /** Polls until the page shows what the change said (it re-renders right after a change, asynchronously). */
    static JsonNode eventually(String path, java.util.function.Predicate<JsonNode> until) throws Exception {
        JsonNode doc = null;
        for (int i = 0; i < 50; i++) {
            doc = document(path);
            if (until.test(doc)) {
                return doc;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " never showed the change: " + doc);
    }

    static JsonNode incident(JsonNode doc, String name) {
        for (JsonNode i : doc.path("incidents")) {
            if (i.path("name").asText().equals(name)) {
                return i;
            }
        }
        return null;
    }

    static String status(JsonNode components, String id) {
        for (JsonNode c : components.path("components")) {
            if (c.path("id").asText().equals(id)) {
                return c.path("status").asText();
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void aPublicDeclarationIsOnEveryFormatAndNoInternalWordIs() throws Exception {
        String internal = "Pool exhausted by tenant acme " + suffix;
        String name = "Checkout errors " + suffix;
        String id = call("declare-incident", Tokens.ADA, "{\"title\":\"" + internal + "\",\"severity\":\"P1\","
                + "\"impact\":\"acme's batch job holds every connection\",\"public\":{\"title\":\"" + name
                + "\",\"text\":\"We are investigating failed checkouts.\",\"components\":{\"api\":\"major_outage\"}}}")
                .statusCode(200).body("publicPost.status", is("investigating")).extract().path("incidentId");
        // The post is written with the declaration's own audit record.
        assertEquals(1, ops.count("status_posts p JOIN audit_records a ON a.id = p.audit_id WHERE p.incident_id = '" + id
                + "' AND a.function = 'declare-incident'"));
        JsonNode summary = eventually("summary.json", d -> incident(d, name) != null);
        JsonNode i = incident(summary, name);
        assertEquals("investigating", i.path("status").asText());
        assertEquals("major", i.path("impact").asText());
        assertEquals("We are investigating failed checkouts.", i.path("incident_updates").get(0).path("body").asText());
        assertEquals("major_outage", i.path("incident_updates").get(0).path("affected_components").get(0)
                .path("new_status").asText());
        assertFalse(i.path("next_update_at").isNull(), "P1's cadence gives the next update");
        assertEquals("major_outage", status(summary, "api"));
        assertEquals("critical", summary.path("status").path("indicator").asText());
        assertEquals("Major System Outage", summary.path("status").path("description").asText());
        for (String page : List.of("index.html", "incidents/" + id + ".html", "history.atom", "history.rss",
                "api/v2/summary.json", "api/v2/incidents.json")) {
            String body = given().get("/status/" + page).then().statusCode(200).extract().asString();
            assertFalse(body.contains("acme"), page + " shows an internal word");
            assertFalse(body.contains("Pool exhausted"), page + " shows the internal title");
        }
        given().get("/status/index.html").then().body(containsString(name))
                .body(containsString("Next update by"));
    }

    @Test
    @Order(2)
    void everyV2DocumentMatchesTheStatuspageContract() throws Exception {
        JsonNode root = JSON.readTree(getClass().getResourceAsStream("/contracts/statuspage-v2.schema.json"));
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (int n = 0; n < PATHS.size(); n++) {
            com.fasterxml.jackson.databind.node.ObjectNode schema = root.deepCopy();
            schema.put("$ref", "#/$defs/" + DOCUMENTS.get(n));
            JsonSchema s = factory.getSchema(schema);
            Set<ValidationMessage> wrong = s.validate(document(PATHS.get(n)));
            assertEquals(Set.of(), wrong, PATHS.get(n) + " breaks the Statuspage v2 contract");
        }
    }

    @Test
    @Order(3)
    void updatesAndResolutionAreItsPublicHistoryAndInternalUpdatesStayInside() throws Exception {
        String name = "Slow dashboards " + suffix;
        String id = call("declare-incident", Tokens.ADA, "{\"title\":\"Replica lag " + suffix + "\",\"severity\":\"P2\","
                + "\"impact\":\"reports stale\",\"public\":{\"title\":\"" + name + "\",\"text\":\"Dashboards are slow.\","
                + "\"components\":{\"web\":\"degraded_performance\"}}}").statusCode(200).extract().path("incidentId");
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"text\":\"internal: replica 3 disk at 97%\"}")
                .statusCode(200);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"status\":\"mitigating\",\"public\":{\"text\":"
                + "\"We found the cause and are fixing it.\"}}").statusCode(200).body("publicPost.status", is("identified"));
        call("resolve-incident", Tokens.ADMIN, "{\"id\":\"" + id + "\",\"resolution\":\"replica rebuilt\",\"force\":true,"
                + "\"reason\":\"verified by hand\"}").statusCode(200)
                .body("publicPost.text", is("This incident has been resolved."));
        JsonNode all = eventually("incidents.json", d -> incident(d, name) != null
                && incident(d, name).path("status").asText().equals("resolved"));
        JsonNode i = incident(all, name);
        List<String> statuses = new java.util.ArrayList<>();
        i.path("incident_updates").forEach(u -> statuses.add(u.path("status").asText()));
        assertEquals(List.of("resolved", "identified", "investigating"), statuses, "newest first");
        assertFalse(all.toString().contains("replica 3"), "an update without a public part is never published");
        assertNotNull(i.path("resolved_at").textValue());
        assertTrue(incident(document("incidents/unresolved.json"), name) == null);
        assertEquals("operational", status(document("components.json"), "web"));
    }

    @Test
    @Order(4)
    void badPublicPartsAreRefusedAndPostNothing() {
        String id = io.firebreak.testing.Lifecycle.declare("Queue stuck " + suffix, "P2", null);
        long before = ops.count("status_posts");
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"status\":\"resolved\",\"text\":\"done\"}}")
                .statusCode(400).body("error.code", is("invalid_value")).body("error.field", is("public.status"));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"text\":\"x\",\"components\":{\"nope\":"
                + "\"major_outage\"}}}").statusCode(400).body("error.code", is("unknown_component"));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"components\":{\"api\":\"major_outage\"}}}")
                .statusCode(400).body("error.code", is("missing_field")).body("error.field", is("public.text"));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"text\":\"x\",\"components\":{\"api\":"
                + "\"under_maintenance\"}}}").statusCode(400).body("error.field", is("public.components"));
        call("declare-incident", Tokens.ADA, "{\"title\":\"t " + suffix + "\",\"severity\":\"P2\",\"impact\":\"i\","
                + "\"public\":{\"text\":\"x\",\"status\":\"fixed\"}}").statusCode(400).body("error.field", is("public.status"));
        assertEquals(before, ops.count("status_posts"));
        // A dry run shows the post and writes nothing.
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"dryRun\":true,\"public\":{\"text\":\"Looking\"}}")
                .statusCode(200).body("wouldRecord", hasItem(containsString("status page: investigating")));
        assertEquals(before, ops.count("status_posts"));
    }

    @Test
    @Order(4)
    void aP0PostWaitsForAnApprovalOfItsExactWordsAndIsPublishedOnce() throws Exception {
        String name = "Service unavailable " + suffix;
        var declared = call("declare-incident", Tokens.ADA, "{\"title\":\"Primary down " + suffix + "\",\"severity\":\"P0\","
                + "\"impact\":\"everything\",\"public\":{\"title\":\"" + name + "\",\"text\":\"We are investigating an outage.\","
                + "\"components\":{\"api\":\"major_outage\"}}}").statusCode(200)
                .body("declared", is(true)).body("publicPost.state", is("needs_approval")).extract();
        String id = declared.path("incidentId");
        String planId = declared.path("publicPost.planId");
        assertEquals(0, ops.count("status_posts WHERE incident_id = '" + id + "'"), "held back: nothing is published");
        assertTrue(incident(document("incidents.json"), name) == null);
        // Publishing asks the gate: no approval yet, so a request is made and nothing is posted.
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"planId\":\"" + planId + "\"}}")
                .statusCode(202).body("error.code", is("approval_required"));
        // The requester cannot approve their own words; the admin approves the digest they read.
        String digest = declared.path("publicPost.digest");
        call("approve", Tokens.ADA, "{\"planId\":\"" + planId + "\",\"digest\":\"" + digest + "\",\"reason\":\"ok\"}")
                .statusCode(403);
        call("approve", Tokens.ADMIN, "{\"planId\":\"" + planId + "\",\"digest\":\"" + digest + "\",\"reason\":\"wording ok\"}")
                .statusCode(200);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"planId\":\"" + planId + "\",\"text\":\"other\"}}")
                .statusCode(400).body("error.field", is("public.planId"));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"planId\":\"" + planId + "\"}}")
                .statusCode(200).body("publicPost.text", is("We are investigating an outage."));
        assertEquals(1, ops.count("status_posts WHERE incident_id = '" + id + "' AND approved_digest = '" + digest + "'"));
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"public\":{\"planId\":\"" + planId + "\"}}")
                .statusCode(409).body("error.code", is("plan_used"));
        eventually("incidents.json", d -> incident(d, name) != null);
        // Resolving with no words is never held: the page cannot keep showing an outage that is over.
        call("resolve-incident", Tokens.ADMIN, "{\"id\":\"" + id + "\",\"resolution\":\"failover\",\"force\":true,"
                + "\"reason\":\"verified\"}").statusCode(200).body("publicPost.status", is("resolved"));
    }

    @Test
    @Order(5)
    void cachingHeadersConditionalGetsCorsAndMethods() {
        String etag = given().get("/status/api/v2/status.json").then().statusCode(200)
                .header("cache-control", containsString("max-age=")).header("etag", notNullValue()).extract().header("etag");
        given().header("If-None-Match", etag).get("/status/api/v2/status.json").then().statusCode(304);
        given().header("Origin", "https://widget.example").options("/status/api/v2/summary.json").then().statusCode(204)
                .header("access-control-allow-origin", "*").header("access-control-allow-methods", containsString("GET"));
        given().head("/status/index.html").then().statusCode(200).header("content-type", containsString("text/html"));
        given().redirects().follow(false).get("/status").then().statusCode(301).header("location", "/status/");
        given().get("/status/").then().statusCode(200).body(containsString("<main"));
        given().get("/status/badge.svg").then().statusCode(200).contentType(containsString("image/svg+xml"))
                .body(containsString("status"));
        given().get("/status/api/v2/nothing.json").then().statusCode(404).body("error.code", is("not_found"));
        given().contentType(ContentType.JSON).body("{}").post("/status/index.html").then().statusCode(405)
                .body("error.code", is("method_not_allowed"));
        given().get("/status/subscriptions/------------------------------------/confirm").then().statusCode(404)
                .header("access-control-allow-origin", "*");
        given().header("Origin", "https://widget.example").options("/status/subscriptions").then().statusCode(204)
                .header("access-control-allow-methods", containsString("POST"));
        // No token is needed for the page; the function itself (re-render and export now) still needs one.
        given().post("/status-page").then().statusCode(401);
    }

    @Test
    @Order(6)
    void maintenanceStartsAndEndsByTheClockAndIsAudited() throws Exception {
        Instant now = Instant.now();
        String body = "{\"title\":\"OCR upgrade " + suffix + "\",\"text\":\"Document processing pauses.\","
                + "\"components\":[\"documents\"],\"startsAt\":\"" + now.minusSeconds(60) + "\",\"endsAt\":\""
                + now.plusSeconds(1800) + "\"";
        long before = ops.count("maintenances");
        call("schedule-maintenance", Tokens.ADA, body + ",\"dryRun\":true}").statusCode(200).body("dryRun", is(true));
        assertEquals(before, ops.count("maintenances"));
        String id = call("schedule-maintenance", Tokens.ADA, body + "}").statusCode(200).body("created", is(true))
                .body("auditId", notNullValue()).extract().path("maintenanceId");
        call("schedule-maintenance", Tokens.ADA, body + "}").statusCode(200).body("created", is(false))
                .body("maintenanceId", is(id));
        JsonNode active = eventually("scheduled-maintenances/active.json",
                d -> d.path("scheduled_maintenances").findValuesAsText("id").contains(id));
        assertEquals("in_progress", active.path("scheduled_maintenances").get(0).path("status").asText());
        assertEquals("under_maintenance", status(document("components.json"), "documents"));
        String upcoming = call("schedule-maintenance", Tokens.ADA, "{\"title\":\"DB upgrade " + suffix + "\",\"text\":\"t\","
                + "\"components\":[\"api\"],\"startsAt\":\"" + now.plusSeconds(7200) + "\",\"endsAt\":\"" + now.plusSeconds(9000)
                + "\"}").statusCode(200).extract().path("maintenanceId");
        eventually("scheduled-maintenances/upcoming.json",
                d -> d.path("scheduled_maintenances").findValuesAsText("id").contains(upcoming));
        call("schedule-maintenance", Tokens.ADA, "{\"cancel\":\"" + id + "\",\"reason\":\"vendor postponed\"}")
                .statusCode(200).body("cancelled", is(true));
        eventually("components.json", d -> "operational".equals(status(d, "documents")));
        call("schedule-maintenance", Tokens.ADA, "{\"cancel\":\"" + upcoming + "\",\"reason\":\"done testing\"}")
                .statusCode(200);
        assertEquals(1, ops.count("audit_records WHERE function = 'schedule-maintenance' AND external_ids::text LIKE '%"
                + id + "%' AND plan::text LIKE '%schedule maintenance%'"));
        call("schedule-maintenance", Tokens.ADA, body.replace("documents", "nope") + "}").statusCode(400)
                .body("error.code", is("unknown_component"));
        call("schedule-maintenance", Tokens.ADA, "{\"title\":\"x\",\"text\":\"t\",\"components\":[\"api\"],\"startsAt\":\"soon\","
                + "\"endsAt\":\"later\"}").statusCode(400).body("error.field", is("startsAt"));
        call("schedule-maintenance", Tokens.MONITOR, body + "}").statusCode(403);
    }

    @Test
    @Order(7)
    void anOverrideIsAuditedWinsAndClears() throws Exception {
        call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"status\":\"partial_outage\"}")
                .statusCode(400).body("error.field", is("reason"));
        call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"status\":\"partial_outage\","
                + "\"reason\":\"WhatsApp templates rejected\",\"dryRun\":true}").statusCode(200).body("dryRun", is(true));
        assertEquals("operational", status(document("components.json"), "notifications"));
        Integer auditId = call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"status\":\"partial_outage\","
                + "\"reason\":\"WhatsApp templates rejected\"}").statusCode(200).body("changed", is(true))
                .extract().path("auditId");
        assertEquals(1, ops.count("audit_records WHERE id = " + auditId + " AND function = 'set-component-status' "
                + "AND reason = 'WhatsApp templates rejected' AND external_ids::text LIKE '%notifications%'"));
        assertEquals(1, ops.count("component_overrides WHERE audit_id = " + auditId + " AND status = 'partial_outage'"));
        call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"status\":\"partial_outage\","
                + "\"reason\":\"again\"}").statusCode(200).body("changed", is(false));
        eventually("components.json", d -> "partial_outage".equals(status(d, "notifications")));
        // A timed override over it: when it runs out, the one before it stands again.
        call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"status\":\"major_outage\","
                + "\"forMinutes\":30,\"reason\":\"provider down\"}").statusCode(200).body("changed", is(true));
        eventually("components.json", d -> "major_outage".equals(status(d, "notifications")));
        io.firebreak.testing.Sql.exec(db.ops(), "UPDATE component_overrides SET expires_at = now() - interval '1 second' "
                + "WHERE component = 'notifications' AND expires_at IS NOT NULL");
        eventually("components.json", d -> "partial_outage".equals(status(d, "notifications")));
        call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"clear\":true,\"reason\":\"fixed\"}")
                .statusCode(200).body("changed", is(true));
        eventually("components.json", d -> "operational".equals(status(d, "notifications")));
        call("set-component-status", Tokens.ADA, "{\"component\":\"notifications\",\"status\":\"broken\",\"reason\":\"x\"}")
                .statusCode(400).body("error.field", is("status"));
    }

    @Test
    @Order(8)
    void emailSubscriptionsNeedTheirConfirmationAndWebhooksAreSigned() throws Exception {
        String email = "reader-" + suffix + "@customer.example";
        given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\",\"components\":[\"api\"]}")
                .post("/status/subscriptions").then().statusCode(202).body("state", is("confirmation_sent"));
        // The same address again: the same answer (no enumeration), no second subscriber.
        given().contentType(ContentType.JSON).body("{\"email\":\"" + email + "\"}").post("/status/subscriptions").then()
                .statusCode(202);
        assertEquals(1, ops.count("status_subscribers WHERE address = '" + email + "'"));
        call("status-page", Tokens.MONITOR, "{}").statusCode(200);
        var mails = FakeMessaging.resend().findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/emails")));
        String mail = mails.stream().map(r -> r.getBodyAsString()).filter(b -> b.contains(email)).findFirst().orElseThrow();
        JsonNode sent = JSON.readTree(mail);
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/status(/subscriptions/[0-9a-f-]{36}/confirm\\?token=[0-9a-f]{64})")
                .matcher(sent.path("text").asText());
        assertTrue(link.find(), "the mail has a confirmation link: " + sent);
        String confirm = "/status" + link.group(1);
        given().get(confirm).then().statusCode(200).body(containsString("<form method=\"post\""));
        assertEquals(0, ops.count("status_subscribers WHERE address = '" + email + "' AND confirmed_at IS NOT NULL"),
                "following the link (as a mail scanner does) confirms nothing");
        given().post(confirm.replaceAll("token=[0-9a-f]{4}", "token=0000")).then().statusCode(403)
                .body("error.code", is("invalid_token"));
        given().post(confirm).then().statusCode(200).body(containsString("Subscribed"));
        assertEquals(1, ops.count("status_subscribers WHERE address = '" + email + "' AND confirmed_at IS NOT NULL"));

        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        JsonNode created = JSON.readTree(given().contentType(ContentType.JSON).body("{\"webhook\":\"" + hook + "\"}")
                .post("/status/subscriptions").then().statusCode(201).extract().asString());
        String secret = created.path("signingSecret").asText();
        assertEquals(64, secret.length());
        given().contentType(ContentType.JSON).body("{\"webhook\":\"http://10.0.0.8/hook\"}").post("/status/subscriptions")
                .then().statusCode(400).body("error.field", is("webhook"));
        String name = "Login failures " + suffix;
        call("declare-incident", Tokens.ADA, "{\"title\":\"auth " + suffix + "\",\"severity\":\"P1\",\"impact\":\"i\","
                + "\"public\":{\"title\":\"" + name + "\",\"text\":\"Some sign-ins fail.\",\"components\":{\"api\":"
                + "\"partial_outage\"}}}").statusCode(200);
        Map<String, String> delivery = null;
        boolean mailed = false;
        for (int i = 0; i < 50 && (delivery == null || !mailed); i++) {
            call("status-page", Tokens.MONITOR, "{}").statusCode(200);
            delivery = received.stream().filter(r -> r.get("body").contains(name)).findFirst().orElse(null);
            mailed = FakeMessaging.resend().findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/emails"))).stream()
                    .anyMatch(r -> r.getBodyAsString().contains(email) && r.getBodyAsString().contains(name));
            if (delivery == null || !mailed) {
                Thread.sleep(200);
            }
        }
        assertNotNull(delivery, "the webhook receiver got the update");
        String[] parts = delivery.get("signature").split(",");
        String t = parts[0].substring(2);
        String expected = StatusDeliveries.hmac(secret, t + "." + delivery.get("body"));
        assertEquals("v1=" + expected, parts[1], "the signature verifies with the subscriber's secret");
        JsonNode payload = JSON.readTree(delivery.get("body"));
        assertEquals("Some sign-ins fail.", payload.path("incident").path("incident_updates").get(0).path("body").asText());
        assertTrue(payload.path("meta").path("unsubscribe").asText().contains("/unsubscribe?token="));
        assertNotNull(payload.path("page").path("status_indicator").textValue());
        var api = FakeMessaging.resend().findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/emails")));
        assertTrue(api.stream().anyMatch(r -> r.getBodyAsString().contains(email) && r.getBodyAsString().contains(name)
                && r.getBodyAsString().contains("Unsubscribe")), "the confirmed reader of api was told, with an unsubscribe link");
    }

    @Test
    @Order(9)
    void theExportHoldsEveryFormat() throws Exception {
        // (A change's own publish may have written a newer rendering first: then this run skips its older one.)
        call("status-page", Tokens.MONITOR, "{}").statusCode(200).body("exportedTo[0]",
                org.hamcrest.Matchers.anyOf(containsString("dir:"), containsString("newer rendering")));
        Path root = Path.of("target/status-export");
        for (String f : List.of("index.html", "api/v2/summary.json", "api/v2/scheduled-maintenances/upcoming.json",
                "history.atom", "history.rss", "badge.svg")) {
            assertTrue(Files.size(root.resolve(f)) > 0, f + " is exported");
        }
        JSON.readTree(Files.readString(root.resolve("api/v2/summary.json"))).path("page").path("name").asText();
    }

    @Test
    @Order(10)
    void subscriptionsAreRateLimited() {
        int status = 0;
        for (int i = 0; i < 12 && status != 429; i++) {
            status = given().contentType(ContentType.JSON).body("{\"email\":\"flood" + i + "-" + suffix + "@x.example\"}")
                    .post("/status/subscriptions").then().extract().statusCode();
        }
        assertEquals(429, status);
        given().contentType(ContentType.JSON).body("{\"email\":\"late-" + suffix + "@x.example\"}").post("/status/subscriptions")
                .then().statusCode(429).body("error.code", is("rate_limited"));
        given().contentType(ContentType.JSON).body("{\"email\":\"not an email\"}").post("/status/subscriptions").then()
                .statusCode(not(is(500)));
    }
}
