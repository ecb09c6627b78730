package io.firebreak.functions.monitoralert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
class MonitorAlertFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    static final String UPTIMEROBOT_DOWN = """
            {"monitorID":"793456","monitorURL":"https://app.example.com/health","monitorFriendlyName":"API",
             "alertType":"1","alertTypeFriendlyName":"Down","alertDetails":"Connection Timeout",
             "alertDuration":"","alertDateTime":"1735822800","someNewField":"ignored"}""";

    static final String UPTIMEROBOT_UP = """
            {"monitorID":"793456","monitorURL":"https://app.example.com/health","monitorFriendlyName":"API",
             "alertType":"2","alertTypeFriendlyName":"Up","alertDetails":"OK","alertDuration":"540",
             "alertDateTime":"1735823340"}""";

    static String alertmanager(String status) {
        return """
                {"version":"4","groupKey":"{}:{alertname=\\"AppDown\\"}","status":"%s","receiver":"firebreak",
                 "groupLabels":{"alertname":"AppDown"},"commonLabels":{"alertname":"AppDown","severity":"critical"},
                 "commonAnnotations":{"summary":"app returns 5xx"},"externalURL":"http://alertmanager:9093",
                 "truncatedAlerts":0,
                 "alerts":[{"status":"%s","labels":{"alertname":"AppDown","instance":"web-1"},
                   "annotations":{"summary":"app returns 5xx"},"startsAt":"2026-11-23T10:00:00Z",
                   "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph","fingerprint":"a1b2c3"}]}"""
                .formatted(status, status);
    }



    OpsRecords ops;

    @BeforeEach
    void quiet() {
        TargetData target = new TargetData(db.target());
        target.reset();
        target.tenants(5);
        ops = new OpsRecords(db.ops());
        ops.quiet();
        FakeApp.answer(200, 0);
    }

    static final java.util.concurrent.atomic.AtomicLong ALERT_TIME = new java.util.concurrent.atomic.AtomicLong(1735822800);

    /** Each call a new alert, as a monitor sends them: UptimeRobot stamps every alert with its own time. */
    static Response post(String json) {
        return postAsIs(json.replaceAll("\"alertDateTime\":\"\\d+\"",
                "\"alertDateTime\":\"" + ALERT_TIME.incrementAndGet() + "\""));
    }

    /** The same bytes, as a monitor's retry sends them again. */
    static Response postAsIs(String json) {
        return given().header("Authorization", Tokens.bearer(Tokens.MONITOR)).contentType(ContentType.JSON).body(json)
                .post("/monitor-alert");
    }

    @Test
    void uptimeRobotDownWithAFailingReprobeDeclaresAndRecordsTheMonitor() {
        FakeApp.answer(503, 0);
        String id = post(UPTIMEROBOT_DOWN).then().statusCode(200)
                .body("action", is("declared"))
                .body("verdict", is("outage"))
                .body("severity", is("P0"))
                .body("provider", is("uptimerobot"))
                .body("monitor", is("793456"))
                .body("incidentId", matchesPattern("INC-\\d{4}-\\d{2}-\\d{2}-\\d{3}"))
                .extract().path("incidentId");

        List<Map<String, Object>> timeline = ops.timeline(id);
        assertEquals(List.of("declared", "confirmation", "monitor-alert"), timeline.stream().map(e -> e.get("kind")).toList());
        Map<String, Object> alert = timeline.get(2);
        assertEquals("monitor:uptimerobot:793456", alert.get("source"));
        assertTrue(alert.get("summary").toString().contains("https://app.example.com/health"));
        assertTrue(alert.get("detail").toString().contains("Connection Timeout"));
        Map<String, Object> stored = ops.query("SELECT * FROM monitor_alerts ORDER BY id DESC LIMIT 1").get(0);
        assertEquals("down", stored.get("state"));
        assertEquals("declared", stored.get("action"));
        assertEquals(id, stored.get("incident_id"));
        assertEquals("monitor", ops.query("SELECT trigger FROM confirmations ORDER BY id DESC LIMIT 1").get(0).get("trigger"));
    }

    @Test
    void downAlertWithAHealthyReprobeIsRecordedNotDeclared() {
        post(UPTIMEROBOT_DOWN).then().statusCode(200)
                .body("action", is("recorded"))
                .body("verdict", is("healthy"))
                .body("incidentId", nullValue());
        assertTrue(ops.openIncidents().isEmpty());
        assertEquals("recorded", ops.query("SELECT action FROM monitor_alerts ORDER BY id DESC LIMIT 1").get(0).get("action"));
    }

    @Test
    void upAlertGoesOnTheTimelineAndNeverResolves() {
        FakeApp.answer(503, 0);
        String id = post(UPTIMEROBOT_DOWN).then().statusCode(200).extract().path("incidentId");
        FakeApp.answer(200, 0);

        post(UPTIMEROBOT_UP).then().statusCode(200)
                .body("action", is("recorded"))
                .body("incidentId", is(id))
                .body("verdict", nullValue());
        assertEquals("investigating", ops.openIncidents().get(0).get("status"));
        List<Map<String, Object>> timeline = ops.timeline(id);
        assertTrue(timeline.get(timeline.size() - 1).get("summary").toString().contains(" up "));
    }

    @Test
    void uptimeRobotAsFormFields() {
        FakeApp.answer(503, 0);
        given().header("Authorization", Tokens.bearer(Tokens.MONITOR))
                .contentType("application/x-www-form-urlencoded")
                .formParam("monitorID", "793456").formParam("monitorURL", "https://app.example.com/health")
                .formParam("monitorFriendlyName", "API").formParam("alertType", "1")
                .formParam("alertTypeFriendlyName", "Down").formParam("alertDetails", "Connection Timeout")
                .formParam("alertDateTime", String.valueOf(ALERT_TIME.incrementAndGet()))
                .post("/monitor-alert").then().statusCode(200)
                .body("action", is("declared")).body("monitor", is("793456"));
    }

    @Test
    void uptimeRobotAsQueryStringWithTheTokenInTheQuery() {
        FakeApp.answer(503, 0);
        given().queryParam("token", Tokens.MONITOR)
                .queryParam("monitorID", "793456").queryParam("monitorURL", "https://app.example.com/health")
                .queryParam("monitorFriendlyName", "API").queryParam("alertType", "1")
                .queryParam("alertDetails", "Connection Timeout").queryParam("alertDateTime", String.valueOf(ALERT_TIME.incrementAndGet()))
                .post("/monitor-alert").then().statusCode(200)
                .body("action", is("declared")).body("provider", is("uptimerobot"));
        String details = ops.query("SELECT details::text AS d FROM monitor_alerts ORDER BY id DESC LIMIT 1").get(0)
                .get("d").toString();
        assertTrue(!details.contains(Tokens.MONITOR), "the token is not stored with the alert");
    }

    @Test
    void alertmanagerFiringDeclaresAndResolvedIsRecorded() {
        FakeApp.answer(502, 0);
        String id = post(alertmanager("firing")).then().statusCode(200)
                .body("action", is("declared")).body("provider", is("alertmanager"))
                .body("verdict", is("outage"))
                .extract().path("incidentId");
        FakeApp.answer(200, 0);
        post(alertmanager("resolved")).then().statusCode(200)
                .body("action", is("recorded")).body("incidentId", is(id));
        assertEquals(1, ops.openIncidents().size(), "resolved alerts never resolve incidents");
        List<Map<String, Object>> timeline = ops.timeline(id);
        assertTrue(timeline.stream().anyMatch(e -> e.get("summary").toString().contains("app returns 5xx")));
    }

    @Test
    void sslExpiryIsStoredButIgnored() {
        post(UPTIMEROBOT_DOWN.replace("\"alertType\":\"1\"", "\"alertType\":\"3\"")).then().statusCode(200)
                .body("action", is("ignored")).body("incidentId", nullValue());
    }

    @Test
    void tenSimultaneousIdenticalAlertsOpenOneIncident() throws Exception {
        FakeApp.answer(503, 0);
        int callers = 10;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                return post(UPTIMEROBOT_DOWN);
            }));
        }
        start.countDown();
        Set<String> ids = new HashSet<>();
        int declared = 0;
        for (Future<Response> call : calls) {
            Response r = call.get(20, TimeUnit.SECONDS);
            r.then().statusCode(200).body("incidentId", notNullValue());
            ids.add(r.path("incidentId"));
            declared += "declared".equals(r.path("action")) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, ids.size(), "every alert joined the same incident");
        assertEquals(1, declared, "exactly one call declared");
        assertEquals(1, ops.openIncidents().size());
        String id = ids.iterator().next();
        assertEquals(callers, ops.query("SELECT 1 FROM monitor_alerts WHERE incident_id = '" + id + "'").size());
        assertEquals(1, ops.query("SELECT 1 FROM timeline_events WHERE kind = 'declared' AND incident_id = '" + id + "'").size());
    }

    @Test
    void aRetriedAlertIsRecognisedAndStoredOnce() {
        FakeApp.answer(503, 0);
        String alert = UPTIMEROBOT_DOWN.replace("1735822800", String.valueOf(ALERT_TIME.incrementAndGet()));
        String id = postAsIs(alert).then().statusCode(200).body("action", is("declared")).extract().path("incidentId");
        for (int i = 0; i < 3; i++) {
            postAsIs(alert).then().statusCode(200).body("action", is("duplicate")).body("incidentId", is(id));
        }
        assertEquals(1, ops.query("SELECT 1 FROM monitor_alerts WHERE details->>'alertDateTime' = '"
                + alert.replaceAll("(?s).*\"alertDateTime\":\"(\\d+)\".*", "$1") + "'").size(), "stored once");
        assertEquals(1, ops.timeline(id).stream().filter(e -> "monitor-alert".equals(e.get("kind"))).count(),
                "the alert is on the timeline once");
    }

    @Test
    void uptimeRobotAsItReallySendsItIsNeverRefused() {
        FakeApp.answer(200, 0);
        // An alert type UptimeRobot added after this code was written: stored and ignored, not refused (no resend loop).
        post("{\"monitorID\":\"793456\",\"alertType\":\"9\",\"alertDateTime\":\"1735822800\"}").then().statusCode(200)
                .body("action", is("ignored"));
        // Unreplaced placeholders and absent fields: the monitor is named by what is there.
        postAsIs("{\"monitorID\":\"*monitorID*\",\"monitorURL\":\"https://app.example.com/health\",\"alertType\":\"2\","
                + "\"alertFriendlyDuration\":\"*alertFriendlyDuration*\",\"alertDateTime\":\"*alertDateTime*\"}").then()
                .statusCode(200).body("monitor", is("https://app.example.com/health")).body("action", is("recorded"));
        // A GET with a query string, the token in it, as UptimeRobot's webhook can be set up.
        given().queryParam("token", Tokens.MONITOR).queryParam("monitorID", "793457").queryParam("alertType", "2")
                .queryParam("alertDateTime", String.valueOf(ALERT_TIME.incrementAndGet()))
                .get("/monitor-alert").then().statusCode(200).body("provider", is("uptimerobot")).body("monitor", is("793457"));
    }

    @Test
    void alertmanagerAsItReallyPostsWithBasicAuth() {
        FakeApp.answer(200, 0);
        String body = """
                {"version":"4","groupKey":"{}/{}:{}","truncatedAlerts":0,"status":"firing","receiver":"firebreak",
                 "groupLabels":{},"commonLabels":{"alertname":"AppDown"},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093",
                 "alerts":[{"status":"firing","labels":{"alertname":"AppDown","instance":"web-1"},"annotations":{},
                   "startsAt":"2026-12-01T10:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prometheus:9090/graph?g0.expr=up%7Bjob%3D%22app%22%7D+%3D%3D+0&g0.tab=1",
                   "fingerprint":"8b2e1f0c2a5d7e9b"}]}""";
        given().auth().preemptive().basic("alertmanager", Tokens.MONITOR).contentType(ContentType.JSON).body(body)
                .post("/monitor-alert").then().statusCode(200).body("provider", is("alertmanager")).body("verdict", is("healthy"));
        given().auth().preemptive().basic("alertmanager", "wrong").contentType(ContentType.JSON).body(body)
                .post("/monitor-alert").then().statusCode(401);
    }
}
