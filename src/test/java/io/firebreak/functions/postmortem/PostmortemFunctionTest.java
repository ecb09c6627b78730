package io.firebreak.functions.postmortem;

import static io.firebreak.testing.Lifecycle.call;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.Lifecycle;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** The post-mortem drafts, checked line by line against the events the ops database recorded. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class PostmortemFunctionTest {

    static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    @TestDatabases.Inject
    TestDatabases db;

    OpsRecords ops;
    String id;

    @BeforeEach
    void resolvedIncident() {
        ops = new OpsRecords(db.ops());
        ops.quiet();
        // No probe evidence: the resolution below is forced, whatever other tests recorded.
        io.firebreak.testing.Sql.exec(db.ops(), "DELETE FROM confirmations");
        FakeSlack.answerNormally();
        id = Lifecycle.declare("Orders | not syncing", "P1", "\"commander\":\"ada\"");
        call("assign-role", Tokens.ADA, "{\"id\":\"" + id + "\",\"role\":\"scribe\",\"person\":\"bola\"}").statusCode(200);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"status\":\"mitigating\",\"text\":\"Xero token renewed\"}")
                .statusCode(200);
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Renewed the Xero token\",\"force\":true,"
                + "\"reason\":\"no probes cover Xero\"}").statusCode(200);
    }

    List<String> lines(String template) {
        String md = call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\",\"template\":\"" + template + "\"}")
                .statusCode(200).body("template", is(template)).extract().path("markdown");
        return Arrays.asList(md.split("\n"));
    }

    @Test
    void everyRecordedEventIsALineOfTheTimelineTable() {
        List<String> lines = lines("seed-001");
        List<Map<String, Object>> events = ops.query("SELECT at, source, kind, summary FROM timeline_events WHERE incident_id = '"
                + id + "' ORDER BY at, id");
        int from = lines.indexOf("| Time (UTC) | Source | Event |") + 2;
        assertTrue(from > 1, "the event table is there");
        for (int k = 0; k < events.size(); k++) {
            Map<String, Object> e = events.get(k);
            Instant at = ((java.sql.Timestamp) e.get("at")).toInstant();
            String expected = "| " + HHMM.format(at) + " | " + e.get("source") + " | "
                    + (e.get("kind") + ": " + e.get("summary")).replace("|", "\\|") + " |";
            assertEquals(expected, lines.get(from + k), "event " + k);
        }
        assertEquals("", lines.get(from + events.size()), "nothing but the recorded events");
    }

    @Test
    void theMilestonesAndMetadataComeFromTheRecord() {
        Map<String, Object> row = ops.query("SELECT opened_at, acknowledged_at, mitigated_at, resolved_at FROM incidents "
                + "WHERE id = '" + id + "'").get(0);
        List<String> lines = lines("seed-001");
        assertEquals("# Incident Report: Orders | not syncing", lines.get(0));
        assertTrue(lines.contains("**Incident ID**: " + id + "  "));
        assertTrue(lines.contains("**Severity**: P1  "));
        assertTrue(lines.contains("**Status**: Resolved  "));
        assertTrue(lines.contains("**Incident Lead**: ada  "));
        String opened = HHMM.format(((java.sql.Timestamp) row.get("opened_at")).toInstant());
        assertTrue(lines.contains("| " + opened + " | +0 min | **Declared P1** |"), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("| **Mitigation started** |")));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("| **Resolved (forced)** |")));
        assertTrue(lines.contains("## Root Cause"));
        assertTrue(lines.contains("Renewed the Xero token"));
        List<String> sev = lines("seed-003");
        assertEquals("# Incident Postmortem: P1 Orders | not syncing", sev.get(0));
        assertTrue(sev.contains("- **IC:** ada"));
        assertTrue(sev.contains("- **Scribe:** bola"));
        List<String> p = lines("seed-004");
        assertEquals("# Incident Post-Mortem: Orders | not syncing", p.get(0));
        assertTrue(p.contains("Severity: P1"));
        assertTrue(p.contains("## Prevention"));
    }

    @Test
    void badInput() {
        call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\",\"template\":\"seed-009\"}").statusCode(400)
                .body("error.field", is("template"));
        call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\",\"written\":true}").statusCode(400)
                .body("error.field", is("link"));
        call("postmortem", Tokens.RESPONDER, "{\"id\":\"" + id + "\",\"written\":true,\"link\":\"javascript:alert(1)\"}")
                .statusCode(400).body("error.code", is("invalid_value"));
        call("postmortem", Tokens.RESPONDER, "{\"id\":\"INC-2020-01-01-999\"}").statusCode(404)
                .body("error.code", is("incident_not_found"));
    }

    @Test
    void writtenIsShownInADryRunThenRecordedWithItsAuditRecord() {
        String link = "https://wiki.team.example/pm/" + id;
        String body = "{\"id\":\"" + id + "\",\"written\":true,\"link\":\"" + link + "\"";
        long audits = ops.count("audit_records");
        List<Long> before = ops.snapshot();
        call("postmortem", Tokens.ADA, body + ",\"dryRun\":true}").statusCode(200).body("dryRun", is(true))
                .body("wouldRecord[0]", is("post-mortem written: " + link)).body("events[0].kind", is("postmortem-written"));
        assertEquals(before, ops.snapshot());
        assertEquals(audits, ops.count("audit_records"));
        assertEquals(null, ops.query("SELECT postmortem_written_at FROM incidents WHERE id = '" + id + "'").get(0)
                .get("postmortem_written_at"));

        int auditId = call("postmortem", Tokens.ADA, body + "}").statusCode(200).extract().path("auditId");
        var row = ops.query("SELECT i.postmortem_link, i.postmortem_written_at IS NOT NULL AS written, a.function, a.reason "
                + "FROM incidents i, audit_records a WHERE i.id = '" + id + "' AND a.id = " + auditId).get(0);
        assertEquals(link, row.get("postmortem_link"));
        assertEquals(true, row.get("written"));
        assertEquals("postmortem", row.get("function"));
        assertEquals("post-mortem written: " + link, row.get("reason"));
        call("get-incident", Tokens.RESPONDER, "{\"id\":\"" + id + "\"}").statusCode(200).body("postmortem.link", is(link));
    }
}
