package io.firebreak.providers.sentry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.BoundedGet;
import io.firebreak.providers.DeclaredUrl;
import io.firebreak.providers.ProviderPacer;

/**
 * Sentry's read API for seeds 000/003/004's "check error volume" and "error clustering": the error
 * count of one project over a period (the Discover events endpoint, dataset errors) and its top
 * unresolved issues by frequency. Bounded (deadline, byte cap, first page only), rate limits
 * honoured (a 429, or no requests remaining, pauses that endpoint until X-Sentry-Rate-Limit-Reset),
 * never throws, never shows the token.
 */
@ApplicationScoped
public class SentryApi {

    static final Pattern ORG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    static final Pattern PROJECT = Pattern.compile("\\d{1,20}");
    static final int MAX_BYTES = 512 * 1024;
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);
    static final String[] HEADERS = { "X-Sentry-Rate-Limit-Limit", "X-Sentry-Rate-Limit-Remaining",
            "X-Sentry-Rate-Limit-Reset", "Retry-After", "Link" };

    @Inject
    BoundedGet http;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "sentry.url", defaultValue = "https://sentry.io/api/0/")
    String baseUrl;

    @ConfigProperty(name = "sentry.token")
    Optional<String> token;

    @ConfigProperty(name = "sentry.org")
    Optional<String> org;

    @ConfigProperty(name = "sentry.project")
    Optional<String> project;

    private final ProviderPacer pacer = new ProviderPacer(System::nanoTime);
    private URI base;
    private String baseProblem;

    @PostConstruct
    void init() {
        try {
            String b = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
            base = DeclaredUrl.parse(b, "SENTRY_URL");
        } catch (IllegalStateException e) {
            baseProblem = "SENTRY_URL must be an https URL without user info";
        }
    }

    /** An error count, or why there is none. */
    public record Count(long count, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** One unresolved issue as the answer shows it. */
    public record Issue(String id, String shortId, String title, String culprit, long count, long userCount, String level,
            String lastSeen, String permalink) {
    }

    /** The first page of issues (more: Sentry's Link header says another page has results), or why there are none. */
    public record Issues(List<Issue> issues, boolean more, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** Why Sentry cannot be asked here, or null when it can. */
    public String notConfigured() {
        if (blank(token) || blank(org) || blank(project)) {
            return "SENTRY_TOKEN, SENTRY_ORG and SENTRY_PROJECT are not all set";
        }
        if (!ORG.matcher(org.get().strip()).matches()) {
            return "SENTRY_ORG is not an organization slug";
        }
        if (!PROJECT.matcher(project.get().strip()).matches()) {
            return "SENTRY_PROJECT must be the project's numeric id (Sentry's API filters by id, not slug)";
        }
        return baseProblem;
    }

    /** The project's error events over the last statsPeriod (e.g. "30m"). */
    public Uni<Count> errorCount(String statsPeriod, Duration timeout) {
        return errorCount(Map.of("statsPeriod", statsPeriod), timeout);
    }

    /** The project's error events in [start, end). */
    public Uni<Count> errorCount(Instant start, Instant end, Duration timeout) {
        Map<String, String> period = new LinkedHashMap<>();
        period.put("start", iso(start));
        period.put("end", iso(end));
        return errorCount(period, timeout);
    }

    private Uni<Count> errorCount(Map<String, String> period, Duration timeout) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("dataset", "errors");
        q.put("field", "count()");
        q.put("project", project.map(String::strip).orElse(""));
        q.putAll(period);
        return get("events", q, timeout).map(a -> {
            if (a.error() != null) {
                return new Count(0, a.error());
            }
            JsonNode row = a.body().path("data").path(0);
            JsonNode count = row.path("count()");
            if (!a.body().path("data").isArray()) {
                return new Count(0, "Sentry's answer has no data array");
            }
            return new Count(row.isMissingNode() ? 0 : count.asLong(0), null);
        });
    }

    /** The project's unresolved issues seen in the last statsPeriod, most frequent first (at most limit, ≤ 25). */
    public Uni<Issues> topUnresolved(String statsPeriod, int limit, Duration timeout) {
        return topUnresolved(Map.of("statsPeriod", statsPeriod), limit, timeout);
    }

    /** The same, for the issues seen in [start, end). */
    public Uni<Issues> topUnresolved(Instant start, Instant end, int limit, Duration timeout) {
        Map<String, String> period = new LinkedHashMap<>();
        period.put("start", iso(start));
        period.put("end", iso(end));
        return topUnresolved(period, limit, timeout);
    }

    private Uni<Issues> topUnresolved(Map<String, String> period, int limit, Duration timeout) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("project", project.map(String::strip).orElse(""));
        q.put("query", "is:unresolved");
        q.putAll(period);
        q.put("sort", "freq");
        q.put("limit", Integer.toString(Math.max(1, Math.min(25, limit))));
        return get("issues", q, timeout).map(a -> {
            if (a.error() != null) {
                return new Issues(List.of(), false, a.error());
            }
            if (!a.body().isArray()) {
                return new Issues(List.of(), false, "Sentry's answer is not a list of issues");
            }
            List<Issue> issues = new ArrayList<>();
            for (JsonNode i : a.body()) {
                // count and userCount: count is a string in Sentry's answers, userCount a number.
                issues.add(new Issue(text(i, "id"), text(i, "shortId"), clip(text(i, "title"), 300),
                        clip(text(i, "culprit"), 300), number(i.path("count")), number(i.path("userCount")),
                        text(i, "level"), text(i, "lastSeen"), text(i, "permalink")));
            }
            return new Issues(issues, nextHasResults(a.link()), null);
        });
    }

    private record Read(JsonNode body, String link, String error) {
    }

    private Uni<Read> get(String endpoint, Map<String, String> query, Duration timeout) {
        String why = notConfigured();
        if (why != null) {
            return Uni.createFrom().item(new Read(null, null, "not configured: " + why));
        }
        String key = "sentry-" + endpoint;
        Optional<Duration> slot = pacer.tryReserve(key, 0, Duration.ZERO);
        if (slot.isEmpty()) {
            return Uni.createFrom().item(new Read(null, null,
                    "rate limited: Sentry asked firebreak to wait before calling its " + endpoint + " endpoint again"));
        }
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        URI url = base.resolve("organizations/" + URLEncoder.encode(org.get().strip(), StandardCharsets.UTF_8) + "/"
                + endpoint + "/?" + q);
        return http.get(url, Map.of("Authorization", "Bearer " + token.get().strip(), "Accept", "application/json"),
                timeout, MAX_BYTES, HEADERS).map(a -> read(key, a));
    }

    private Read read(String key, BoundedGet.Answer a) {
        if (a.status() == 0) {
            return new Read(null, null, "Sentry did not answer: " + clip(a.failure(), 200));
        }
        JsonNode body;
        try {
            body = a.body().isBlank() ? mapper.createObjectNode() : mapper.readTree(a.body());
        } catch (Exception notJson) {
            body = mapper.createObjectNode();
        }
        Duration reset = resetIn(a.header("X-Sentry-Rate-Limit-Reset"), a.header("Retry-After"));
        if (a.status() == 429) {
            Duration pause = reset == null ? Duration.ofSeconds(60) : reset;
            pacer.pause(key, pause);
            return new Read(null, null, "rate limited by Sentry (429): " + clip(body.path("detail").asText(""), 200)
                    + " (paused " + pause.toSeconds() + " s)");
        }
        if ("0".equals(a.header("X-Sentry-Rate-Limit-Remaining")) && reset != null) {
            pacer.pause(key, reset);
        }
        if (a.status() == 401 || a.status() == 403) {
            return new Read(null, null, "Sentry refused SENTRY_TOKEN (HTTP " + a.status() + " "
                    + clip(body.path("detail").asText(""), 200) + "); it needs event:read and org:read scopes");
        }
        if (a.status() == 404) {
            return new Read(null, null, "Sentry knows no such organization or project (HTTP 404): check SENTRY_ORG,"
                    + " SENTRY_PROJECT and SENTRY_URL's region");
        }
        if (!a.ok()) {
            return new Read(null, null, "Sentry answered HTTP " + a.status() + " " + clip(body.path("detail").asText(""), 200));
        }
        return new Read(body, a.header("Link"), null);
    }

    /** X-Sentry-Rate-Limit-Reset is UTC epoch seconds; Retry-After, seconds from now. Bounded to 5 minutes. */
    static Duration resetIn(String reset, String retryAfter) {
        Duration wait = null;
        try {
            if (reset != null && !reset.isBlank()) {
                wait = Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(reset.strip()) * 1000)
                        - System.currentTimeMillis()));
            } else if (retryAfter != null && !retryAfter.isBlank()) {
                wait = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip())));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return wait == null ? null : wait.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : wait;
    }

    /** Sentry's Link header: {@code <...>; rel="next"; results="true"; cursor="..."}. */
    static boolean nextHasResults(String link) {
        if (link == null) {
            return false;
        }
        for (String part : link.split(",")) {
            if (part.contains("rel=\"next\"")) {
                return part.contains("results=\"true\"");
            }
        }
        return false;
    }

    static String iso(Instant at) {
        String s = at.truncatedTo(ChronoUnit.SECONDS).toString();
        return s.endsWith("Z") ? s.substring(0, s.length() - 1) : s;
    }

    private static long number(JsonNode v) {
        if (v.isNumber()) {
            return v.asLong();
        }
        try {
            return v.isTextual() ? Long.parseLong(v.asText().strip()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    static String clip(String text, int max) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return flat.length() > max ? flat.substring(0, max) + "…" : flat;
    }

    private static boolean blank(Optional<String> value) {
        return value.isEmpty() || value.get().isBlank();
    }
}
