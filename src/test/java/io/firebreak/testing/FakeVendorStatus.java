package io.firebreak.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shipped dependencies' status pages as one real HTTP server, each vendor under its own path
 * (/supabase, /github, ...), answering the shapes the vendors publish (src/test/resources/vendorstatus,
 * with times relative to now) and held to the published paths by contracts/vendorstatus. Turns
 * vendor reads on for the application under test, with a short read timeout and a small byte cap.
 */
public class FakeVendorStatus implements QuarkusTestResourceLifecycleManager {

    /** The read timeout and byte cap the tests run with (the defaults are 3 s and 1 MiB). */
    public static final int TIMEOUT_MS = 1000;
    public static final int MAX_BYTES = 65536;
    public static final int FRESH_FLOOR_MS = 1000;

    /** Each shipped dependency's path below the fake, and what it reads there. */
    public static final Map<String, String> PATHS = Map.of(
            "supabase", "/supabase/api/v1/summary",
            "resend", "/resend/api/v1/summary",
            "github", "/github/api/v2/summary.json",
            "twilio", "/twilio/api/v2/summary.json",
            "slack", "/slack/api/v2.0.0/current",
            "railway", "/railway/feed.rss",
            "xero", "/xero/health");

    private static WireMockServer server;
    private static ContractFilter contract;

    @Override
    public Map<String, String> start() {
        contract = new ContractFilter("vendorstatus", "statuspage-summary", "incident-io-summary", "slack-current", "feed",
                "health");
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(contract));
        server.start();
        normal();
        String base = server.baseUrl();
        return Map.ofEntries(Map.entry("firebreak.dependencies.enabled", "true"),
                Map.entry("firebreak.dependencies.timeout", TIMEOUT_MS + "ms"),
                Map.entry("firebreak.dependencies.max-bytes", String.valueOf(MAX_BYTES)),
                Map.entry("firebreak.dependencies.fresh-floor", FRESH_FLOOR_MS + "ms"),
                Map.entry("SUPABASE_STATUS_URL", base + "/supabase"),
                Map.entry("RESEND_STATUS_URL", base + "/resend"),
                Map.entry("GITHUB_STATUS_URL", base + "/github"),
                Map.entry("TWILIO_STATUS_URL", base + "/twilio"),
                Map.entry("SLACK_STATUS_URL", base + "/slack"),
                Map.entry("RAILWAY_STATUS_URL", base + "/railway/feed.rss"),
                Map.entry("XERO_HEALTH_URL", base + "/xero/health"));
    }

    /** Every vendor answers its usual shape: Supabase, GitHub, Slack and Railway report trouble; Resend, Twilio, Xero do not. */
    public static void normal() {
        server.resetAll();
        contract.reset();
        answer("supabase", "supabase-summary.json");
        answer("resend", "resend-summary.json");
        answer("github", "github-summary.json");
        answer("twilio", "twilio-summary.json");
        answer("slack", "slack-current.json");
        answer("railway", "railway-rss.xml");
        server.stubFor(get(urlPathEqualTo(PATHS.get("xero"))).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    /** The vendor answers 200 with this fixture (times rendered relative to now). */
    public static void answer(String vendor, String fixture) {
        String type = fixture.endsWith(".xml") ? "application/rss+xml; charset=utf-8" : "application/json; charset=utf-8";
        server.stubFor(get(urlPathEqualTo(PATHS.get(vendor))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", type).withHeader("Cache-Control", "max-age=60").withBody(render(fixture, Instant.now()))));
    }

    /** The vendor answers this status and body. */
    public static void answer(String vendor, int status, String body) {
        server.stubFor(get(urlPathEqualTo(PATHS.get(vendor))).willReturn(aResponse().withStatus(status).withBody(body)));
    }

    /** The vendor's page accepts the request and answers only after this long. */
    public static void hang(String vendor, Duration delay) {
        server.stubFor(get(urlPathEqualTo(PATHS.get(vendor))).willReturn(aResponse().withStatus(200)
                .withFixedDelay((int) delay.toMillis()).withBody(render("github-summary.json", Instant.now()))));
    }

    /** The vendor's page has moved: 301 to another host. */
    public static void redirect(String vendor, String location) {
        server.stubFor(get(urlPathEqualTo(PATHS.get(vendor))).willReturn(aResponse().withStatus(301)
                .withHeader("Location", location).withBody("Moved")));
    }

    /** How many requests reached the vendor's path (refused ones included). */
    public static int requests(String vendor) {
        return server.countRequestsMatching(getRequestedFor(urlPathMatching("/" + vendor + "/.*")).build()).getCount();
    }

    public static int requests() {
        return server.getAllServeEvents().size();
    }

    public static ContractFilter contract() {
        return contract;
    }

    public static WireMockServer server() {
        return server;
    }

    static final Pattern TIME = Pattern.compile("\\{\\{(iso|rfc|slack):([+-]\\d+)m}}");

    /** A fixture with its {{iso:-13m}}, {{rfc:-12m}} and {{slack:-20m}} times filled in relative to now. */
    public static String render(String fixture, Instant now) {
        String text;
        try (InputStream in = FakeVendorStatus.class.getClassLoader().getResourceAsStream("vendorstatus/" + fixture)) {
            if (in == null) {
                throw new IllegalStateException("no fixture vendorstatus/" + fixture);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = TIME.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Instant at = now.plus(Duration.ofMinutes(Long.parseLong(m.group(2))));
            String value = switch (m.group(1)) {
                case "iso" -> at.toString();
                case "rfc" -> DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
                default -> at.atOffset(ZoneOffset.ofHours(-7)).withNano(0).toString();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
