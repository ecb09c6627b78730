package io.firebreak.providers.vendorstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.firebreak.providers.vendorstatus.VendorPage.Level;
import io.firebreak.testing.FakeVendorStatus;

/** Each kind's parser on the shapes vendors publish (extra fields, nulls, groups, offsets), and the narrowing to what matters. */
class VendorPagesTest {

    static final Instant NOW = Instant.parse("2026-12-01T13:15:00Z");

    static Dependency dep(Dependency.Kind kind, String... components) {
        return new Dependency("vendor", "Vendor", kind, URI.create("https://status.example.com"), List.of(components), 200,
                List.of());
    }

    @Test
    void statuspageSummaryNarrowedToTheComponentsThatMatter() {
        VendorPage page = VendorPages.statuspage(FakeVendorStatus.render("github-summary.json", NOW));
        assertEquals(Level.MAJOR, page.vendorIndicator());
        assertEquals("Partial System Outage", page.description());
        assertEquals(6, page.components().size());
        assertEquals(2, page.incidents().size());

        VendorReport mine = VendorReport.of(dep(Dependency.Kind.STATUSPAGE, "Git Operations", "API Requests", "Webhooks"),
                page, NOW);
        assertEquals(Level.MINOR, mine.indicator(), "API Requests degraded; Codespaces is not ours");
        assertEquals(List.of("API Requests"), mine.affected().stream().map(VendorPage.Component::name).toList());
        assertEquals(List.of("pq8l6dy0zy9c"), mine.incidents().stream().map(VendorPage.VendorIncident::id).toList());
        assertEquals("Vendor reports degraded performance: API Requests since 13:02 UTC", mine.description());
        assertEquals("https://stspg.io/pq8l6dy0zy9c", mine.incidents().get(0).url());
        assertEquals(Instant.parse("2026-12-01T13:02:00Z"), mine.incidents().get(0).started());

        VendorReport all = VendorReport.of(dep(Dependency.Kind.STATUSPAGE), page, NOW);
        assertEquals(Level.MAJOR, all.indicator(), "no components declared: the vendor's own indicator stands");
        assertEquals(2, all.incidents().size());
    }

    @Test
    void statuspageGroupsMaintenancesAndAnAllClearPage() {
        VendorPage page = VendorPages.statuspage(FakeVendorStatus.render("twilio-summary.json", NOW));
        assertEquals(Level.NONE, page.vendorIndicator());
        assertEquals(List.of("SMS", "MMS"), page.components().stream().map(VendorPage.Component::name).toList(),
                "the group's own row is left out, its children carry its name");
        assertEquals("Programmable Messaging", page.components().get(0).group());
        assertEquals(1, page.maintenances().size(), "in progress only; the scheduled one is upcoming");
        assertEquals("in_progress", page.maintenances().get(0).status());
        VendorReport byGroup = VendorReport.of(dep(Dependency.Kind.STATUSPAGE, "Programmable Messaging"), page, NOW);
        assertEquals(Level.NONE, byGroup.indicator(), "under maintenance is not trouble");
        assertEquals(List.of("MMS"), byGroup.affected().stream().map(VendorPage.Component::name).toList());
        assertTrue(byGroup.description().startsWith("operational"));
    }

    @Test
    void statuspageRefusesWhatIsNotASummary() {
        assertThrows(VendorPages.Malformed.class, () -> VendorPages.statuspage("{\"page\":{}}"));
        VendorPages.Malformed html = assertThrows(VendorPages.Malformed.class,
                () -> VendorPages.statuspage("<!doctype html><html>Sign in</html>"));
        assertTrue(html.getMessage().contains("HTML"), html.getMessage());
        assertThrows(VendorPages.Malformed.class, () -> VendorPages.statuspage(""));
        assertThrows(VendorPages.Malformed.class, () -> VendorPages.statuspage("[]"));
    }

    @Test
    void incidentIoMapsFullOutageAndKeepsGroupNames() {
        VendorPage page = VendorPages.incidentIo(FakeVendorStatus.render("supabase-summary.json", NOW));
        assertEquals(Level.CRITICAL, page.vendorIndicator(), "full_outage is major_outage: critical");
        assertEquals("major_outage", page.components().stream().filter(c -> c.name().equals("Dashboard")).findFirst()
                .orElseThrow().status());
        VendorReport mine = VendorReport.of(dep(Dependency.Kind.INCIDENT_IO, "Database", "Auth"), page, NOW);
        assertEquals(Level.MINOR, mine.indicator());
        assertEquals("Vendor reports degraded performance: Database, eu-west-1 since 13:02 UTC", mine.description());
        assertEquals(1, mine.incidents().size());
        assertEquals("identified", mine.incidents().get(0).status());
        VendorReport byRegion = VendorReport.of(dep(Dependency.Kind.INCIDENT_IO, "eu-west-1"), page, NOW);
        assertEquals(Level.MINOR, byRegion.indicator(), "a group name matches too");

        VendorPage quiet = VendorPages.incidentIo(FakeVendorStatus.render("resend-summary.json", NOW));
        assertEquals(Level.NONE, quiet.vendorIndicator());
        assertEquals("All systems operational", quiet.description());
        assertThrows(VendorPages.Malformed.class, () -> VendorPages.incidentIo("{\"page_title\":\"x\"}"));
    }

    @Test
    void slackIncidentsAndServicesWithOffsetTimes() {
        VendorPage page = VendorPages.slack(FakeVendorStatus.render("slack-current.json", NOW));
        assertEquals(Level.MINOR, page.vendorIndicator());
        assertEquals(1, page.incidents().size());
        assertEquals(NOW.minus(Duration.ofMinutes(20)), page.incidents().get(0).started(), "-07:00 offsets read right");
        VendorReport mine = VendorReport.of(dep(Dependency.Kind.SLACK, "Messaging", "Apps/Integrations/APIs"), page, NOW);
        assertEquals(Level.MINOR, mine.indicator());
        assertEquals(List.of("Apps/Integrations/APIs"), mine.affected().stream().map(VendorPage.Component::name).toList());
        VendorReport notMine = VendorReport.of(dep(Dependency.Kind.SLACK, "Calls"), page, NOW);
        assertEquals(Level.NONE, notMine.indicator());
        assertEquals(Level.NONE, VendorPages.slack(FakeVendorStatus.render("slack-ok.json", NOW)).vendorIndicator());
        assertEquals(Level.NONE, VendorPages.slack("{\"status\":\"ok\"}").vendorIndicator(), "an ok answer may leave the list out");
        String outage = "{\"status\":\"active\",\"active_incidents\":[{\"id\":\"9\",\"title\":\"Slack is down\",\"type\":\"outage\","
                + "\"status\":\"active\",\"services\":[\"Messaging\"],\"notes\":[],\"url\":null,\"date_created\":null}]}";
        VendorReport down = VendorReport.of(dep(Dependency.Kind.SLACK, "Messaging"), VendorPages.slack(outage), NOW);
        assertEquals(Level.CRITICAL, down.indicator());
        assertEquals("Vendor reports a major outage: Messaging", down.description());
    }

    @Test
    void rssFeedOpenIncidentsFollowTheDocumentedRule() {
        VendorPage page = VendorFeeds.parse(FakeVendorStatus.render("railway-rss.xml", NOW), NOW, Duration.ofHours(24));
        assertEquals(1, page.incidents().size(), page.toString());
        VendorPage.VendorIncident open = page.incidents().get(0);
        assertEquals("Builds are delayed in us-west2", open.name());
        assertEquals("monitoring", open.status(), "the newest update line of a Statuspage description");
        assertEquals("https://status.railway.com/incidents/bld-0142", open.url());
        assertEquals(Level.MINOR, page.vendorIndicator());
    }

    @Test
    void atomFeedGroupsUpdatesByLinkAndKeepsMaintenanceApart() {
        VendorPage page = VendorFeeds.parse(FakeVendorStatus.render("railway-atom.xml", NOW), NOW, Duration.ofHours(24));
        assertEquals(List.of("Edge network errors in europe-west4"),
                page.incidents().stream().map(VendorPage.VendorIncident::name).toList(), "volume mounts were resolved");
        assertEquals("identified", page.incidents().get(0).status());
        assertEquals(NOW.minus(Duration.ofMinutes(3)), page.incidents().get(0).started(), "the newest update's time");
        assertEquals(List.of("Database host migration"), page.maintenances().stream().map(VendorPage.Maintenance::name).toList());
    }

    @Test
    void aMalformedFeedAndAnEntityTrickAreRefusedNotGuessed() {
        VendorPages.Malformed broken = assertThrows(VendorPages.Malformed.class,
                () -> VendorFeeds.parse(FakeVendorStatus.render("malformed-feed.xml", NOW), NOW, Duration.ofHours(24)));
        assertTrue(broken.getMessage().startsWith("malformed feed: "), broken.getMessage());
        VendorPages.Malformed xxe = assertThrows(VendorPages.Malformed.class,
                () -> VendorFeeds.parse(FakeVendorStatus.render("xxe-feed.xml", NOW), NOW, Duration.ofHours(24)));
        assertTrue(xxe.getMessage().contains("DTD"), xxe.getMessage());
        assertThrows(VendorPages.Malformed.class, () -> VendorFeeds.parse("{\"json\":true}", NOW, Duration.ofHours(1)));
        assertThrows(VendorPages.Malformed.class, () -> VendorFeeds.parse("<html><body>hi</body></html>", NOW, Duration.ofHours(1)));
    }

    @Test
    void feedDatesInTheFormsFeedsUse() {
        assertEquals(Instant.parse("2026-12-01T13:05:00Z"), VendorFeeds.date("Tue, 01 Dec 2026 13:05:00 +0000"));
        assertEquals(Instant.parse("2026-12-01T13:05:00Z"), VendorFeeds.date("Tue, 1 Dec 2026 13:05:00 GMT"));
        assertEquals(Instant.parse("2026-12-01T13:05:00Z"), VendorFeeds.date("2026-12-01T14:05:00+01:00"));
        assertNull(VendorFeeds.date("yesterday"));
    }

    @Test
    void healthIsTheExpectedStatusOrAMajorOutage() {
        Dependency d = new Dependency("xero", "Xero", Dependency.Kind.HEALTH, URI.create("https://api.xero.com/health"),
                List.of(), 200, List.of());
        assertEquals(Level.NONE, VendorReport.of(d, VendorPages.health(200, 200, NOW), NOW).indicator());
        VendorReport down = VendorReport.of(d, VendorPages.health(503, 200, NOW), NOW);
        assertEquals(Level.MAJOR, down.indicator());
        assertEquals("answered HTTP 503, expected 200", down.description());
    }

    static JsonNode yaml(String text) throws Exception {
        return new YAMLMapper().readTree(text);
    }

    @Test
    void declarationsAreRefusedAtStartUpWhenWrong() throws Exception {
        assertEquals(List.of(), Dependency.parseAll(yaml("{}").path("dependencies")));
        String[] bad = {
                "- {name: Supabase, kind: statuspage, url: https://status.example.com}",
                "- {name: s, kind: atom, url: https://status.example.com}",
                "- {name: s, kind: statuspage, url: http://status.example.com}",
                "- {name: s, kind: statuspage, url: 'https://status.example.com/x?key=1'}",
                "- {name: s, kind: statuspage, url: 'https://u:p@status.example.com'}",
                "- {name: s, kind: statuspage}",
                "- {name: s, kind: statuspage, url: https://a.example.com, expectStatus: 200}",
                "- {name: s, kind: health, url: https://a.example.com, expectStatus: 700}",
                "- {name: s, kind: health, url: https://a.example.com, components: [x]}",
                "- {name: s, kind: statuspage, url: https://a.example.com, components: [1]}",
                "- {name: s, kind: statuspage, url: https://a.example.com, compnents: [x]}",
                "- {name: s, kind: statuspage, url: https://a.example.com}\n- {name: s, kind: slack, url: https://b.example.com}",
        };
        for (String b : bad) {
            assertThrows(IllegalStateException.class, () -> Dependency.parseAll(yaml(b)), b);
        }
        Dependency unset = Dependency.parseAll(yaml("- {name: erp, kind: health, url: '${FB_TEST_UNSET_ERP_URL}'}")).get(0);
        assertNull(unset.url(), "a placeholder with no default and no value leaves the entry skipped");
        assertEquals(List.of("FB_TEST_UNSET_ERP_URL"), unset.missing());
        Dependency ok = Dependency.parseAll(yaml("- {name: gh, kind: statuspage, url: '${FB_TEST_UNSET_GH:https://www.githubstatus.com/}'}"))
                .get(0);
        assertEquals(URI.create("https://www.githubstatus.com/api/v2/summary.json"), ok.readUrl());
    }

    @Test
    void theShippedManifestParses() throws Exception {
        JsonNode root = new YAMLMapper().readTree(java.nio.file.Files.readString(java.nio.file.Path.of("functions.yaml")));
        List<Dependency> shipped = Dependency.parseAll(root.path("dependencies"));
        assertEquals(List.of("supabase", "github", "slack", "resend", "twilio", "railway", "xero"),
                shipped.stream().map(Dependency::name).toList());
        assertEquals(URI.create("https://status.supabase.com/api/v1/summary"), shipped.get(0).readUrl());
        assertEquals(URI.create("https://slack-status.com/api/v2.0.0/current"), shipped.get(2).readUrl());
    }

    @Test
    void vendorTextCannotForgeLinesOrLinks() {
        String sneaky = "{\"status\":\"active\",\"active_incidents\":[{\"id\":\"1\",\"title\":\"Down\\nINFO forged line\","
                + "\"type\":\"incident\",\"status\":\"active\",\"url\":\"javascript:alert(1)\",\"services\":[]}]}";
        VendorPage.VendorIncident i = VendorPages.slack(sneaky).incidents().get(0);
        assertEquals("Down INFO forged line", i.name());
        assertNull(i.url());
    }
}
