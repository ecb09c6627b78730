package io.firebreak.providers.github;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.ProviderCalls;
import io.firebreak.providers.ProviderListing;
import io.firebreak.providers.ProviderPacer;

/**
 * What changed in the application's repository over a window, read from GitHub's REST API with a
 * fine-grained token: commits on the default branch, deployments with their latest status, merged
 * pull requests. Every list is paged through its link header up to a page limit, one call at a time
 * (GitHub asks for serial requests), and GitHub's limits are obeyed, never probed: x-ratelimit-remaining
 * 0, or a 403/429 from the primary or secondary limit, stops every further GitHub call of this
 * process until its retry-after (or x-ratelimit-reset) has passed, and the read answers what it
 * got with "rate limited, retry after N s".
 */
@ApplicationScoped
public class GitHubChanges {

    public static final String PROVIDER = "github";
    static final int PER_PAGE = 100;
    static final Pattern REPOSITORY = Pattern.compile("([A-Za-z0-9_.-]{1,100})/([A-Za-z0-9_.-]{1,100})");
    static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"next\"");
    static final Pattern PAGE = Pattern.compile("[?&]page=(\\d{1,6})(?:&|$)");
    /** GitHub's advice when a limit answer carries no wait: at least a minute. */
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(1);
    static final Duration MAX_WAIT = Duration.ofHours(1);

    @Inject
    @RestClient
    GitHubApi api;

    @Inject
    ProviderCalls calls;

    @Inject
    Clock clock;

    @ConfigProperty(name = "github.token")
    Optional<String> token;

    @ConfigProperty(name = "github.repository")
    Optional<String> repository;

    /** Pages read per list at most (100 items each). */
    @ConfigProperty(name = "firebreak.changes.github.max-pages", defaultValue = "3")
    int maxPages;

    /** Deployments whose latest status is asked (one call each), newest first; older ones show state null. */
    @ConfigProperty(name = "firebreak.changes.github.max-statuses", defaultValue = "10")
    int maxStatuses;

    /** Shared with GitHubIssues: a limit GitHub names stops every call of this process to it. */
    final ProviderPacer pacer = new ProviderPacer(System::nanoTime);

    /** Why GitHub is not read, when it is not: no token, no repository, or one that is not owner/name. */
    public Optional<String> skipped() {
        if (repository.isEmpty() || repository.get().isBlank()) {
            return Optional.of("GITHUB_REPOSITORY is not set (owner/name)");
        }
        if (!REPOSITORY.matcher(repository.get().strip()).matches()) {
            return Optional.of("GITHUB_REPOSITORY is not owner/name");
        }
        if (token.isEmpty() || token.get().isBlank()) {
            return Optional.of("GITHUB_TOKEN is not set");
        }
        return Optional.empty();
    }

    /** owner/name as configured (not a secret). */
    public String repository() {
        return repository.map(String::strip).orElse(null);
    }

    /** Commits on the default branch with a committer date in [since, until]. */
    public Uni<ProviderListing> commits(Instant since, Instant until) {
        String[] r = ownerAndName();
        return pages(page -> () -> api.commits(r[0], r[1], seconds(since, false), seconds(until, true), PER_PAGE, page, auth()),
                node -> new Step(commit(node), false), 1, new ArrayList<>());
    }

    /** Deployments created in [since, until], newest first, each with its latest status (state, when, description). */
    public Uni<ProviderListing> deployments(Instant since, Instant until) {
        String[] r = ownerAndName();
        return pages(page -> () -> api.deployments(r[0], r[1], PER_PAGE, page, auth()),
                node -> within(node, "created_at", since, until, GitHubChanges::deployment), 1, new ArrayList<>())
                .flatMap(listed -> statuses(r, listed, 0));
    }

    /** Pull requests merged in [since, until], most recently updated first (merged_at can only precede updated_at). */
    public Uni<ProviderListing> mergedPulls(Instant since, Instant until) {
        String[] r = ownerAndName();
        return pages(page -> () -> api.pulls(r[0], r[1], "closed", "updated", "desc", PER_PAGE, page, auth()), node -> {
            Instant updated = instant(node.path("updated_at"));
            if (updated != null && updated.isBefore(since)) {
                return Step.STOP;
            }
            Instant merged = instant(node.path("merged_at"));
            return merged == null || merged.isBefore(since) || merged.isAfter(until) ? Step.SKIP : new Step(pull(node), false);
        }, 1, new ArrayList<>());
    }

    /** One item of a page: keep it (item), skip it (null), or stop reading (older than the window). */
    record Step(Map<String, Object> item, boolean stop) {
        static final Step SKIP = new Step(null, false);
        static final Step STOP = new Step(null, true);
    }

    /** One call's outcome: the answer, or why there is none (and for how long GitHub asked to be left alone). */
    record Got(ProviderCalls.Headed answer, String error, Long waitSeconds) {
    }

    private Uni<ProviderListing> pages(IntFunction<Supplier<Uni<Response>>> request, Function<JsonNode, Step> read, int page,
            List<Map<String, Object>> items) {
        return get(request.apply(page)).flatMap(got -> {
            if (got.error() != null) {
                return Uni.createFrom().item(got.waitSeconds() != null ? ProviderListing.limited(items, got.waitSeconds())
                        : ProviderListing.failed(items, got.error()));
            }
            JsonNode body = got.answer().answer().body();
            if (!body.isArray()) {
                return Uni.createFrom().item(ProviderListing.failed(items, "GitHub answered without a list"));
            }
            for (JsonNode node : body) {
                Step step = read.apply(node);
                if (step.stop()) {
                    return Uni.createFrom().item(new ProviderListing(List.copyOf(items), false, null, null));
                }
                if (step.item() != null) {
                    items.add(step.item());
                }
            }
            Integer next = nextPage(got.answer().header("link"));
            if (next == null) {
                return Uni.createFrom().item(new ProviderListing(List.copyOf(items), false, null, null));
            }
            if (page >= maxPages || next <= page) {
                return Uni.createFrom().item(new ProviderListing(List.copyOf(items), true, null, null));
            }
            return pages(request, read, next, items);
        });
    }

    /** The latest status of each listed deployment, one call at a time; a limit stops the rest (their state stays null). */
    private Uni<ProviderListing> statuses(String[] r, ProviderListing listed, int index) {
        if (listed.error() != null || index >= listed.items().size() || index >= maxStatuses) {
            return Uni.createFrom().item(listed);
        }
        Map<String, Object> d = listed.items().get(index);
        return get(() -> api.deploymentStatuses(r[0], r[1], (Long) d.get("id"), 1, auth())).flatMap(got -> {
            if (got.error() != null) {
                return Uni.createFrom().item(new ProviderListing(listed.items(), listed.truncated(),
                        got.waitSeconds() != null ? ProviderListing.rateLimited(got.waitSeconds()) : "statuses: " + got.error(),
                        got.waitSeconds()));
            }
            JsonNode latest = got.answer().answer().body().path(0);
            if (!latest.isMissingNode()) {
                d.put("state", text(latest.path("state")));
                d.put("stateAt", text(latest.path("created_at")));
                d.put("stateDescription", clip(text(latest.path("description")), 200));
            }
            return statuses(r, listed, index + 1);
        });
    }

    /** One call, unless GitHub asked to be left alone: then no call at all. */
    private Uni<Got> get(Supplier<Uni<Response>> request) {
        Duration wait = pacer.reserve(PROVIDER, 0);
        if (!wait.isZero() && !wait.isNegative()) {
            return Uni.createFrom().item(new Got(null, "rate limited", seconds(wait)));
        }
        return calls.callKeeping(request.get(), "link", "x-ratelimit-remaining", "x-ratelimit-reset").map(this::read);
    }

    Got read(ProviderCalls.Headed headed) {
        ProviderCalls.Answer a = headed.answer();
        int status = a.status();
        if (status == 0) {
            return new Got(null, "no answer from GitHub (" + a.failure() + ")", null);
        }
        String message = clip(a.body().path("message").asText(""), 200);
        Duration limited = limit(headed, status, message);
        if (limited != null) {
            pacer.pause(PROVIDER, limited);
            if (!a.ok()) {
                return new Got(null, "rate limited", seconds(limited));
            }
        }
        if (a.ok()) {
            return new Got(headed, null, null);
        }
        String said = message.isBlank() ? "" : ": " + message;
        return new Got(null, switch (status) {
            case 401 -> "GitHub refused the token (401" + said + "): check GITHUB_TOKEN";
            case 403 -> "GitHub refused (403" + said + "): the token needs read access (contents, deployments, pull requests)";
            case 404 -> "GitHub answered 404 for " + repository() + ": no such repository, or the token may not read it";
            case 409 -> "GitHub answered 409" + said + " (an empty repository has no commits)";
            default -> "GitHub answered " + status + said;
        }, null);
    }

    /**
     * How long GitHub asked to be left alone, if it did: a 403/429 with retry-after (primary or
     * secondary limit); x-ratelimit-remaining 0 until x-ratelimit-reset (epoch seconds), even on a 200;
     * a 429, or a 403 naming a rate limit, without either: a minute.
     */
    Duration limit(ProviderCalls.Headed headed, int status, String message) {
        boolean refused = status == 403 || status == 429;
        Duration retry = ProviderCalls.seconds(headed.answer().retryAfter());
        if (refused && retry != null) {
            return bounded(retry);
        }
        if ("0".equals(strip(headed.header("x-ratelimit-remaining")))) {
            try {
                long reset = Long.parseLong(strip(headed.header("x-ratelimit-reset")));
                return bounded(Duration.ofSeconds(reset - clock.instant().getEpochSecond()));
            } catch (NumberFormatException | NullPointerException e) {
                return DEFAULT_WAIT;
            }
        }
        if (status == 429 || (status == 403 && message.toLowerCase(Locale.ROOT).contains("rate limit"))) {
            return DEFAULT_WAIT;
        }
        return null;
    }

    /** The next page's number from a link header; null when there is none (or it is not paged by number). */
    static Integer nextPage(String link) {
        if (link == null) {
            return null;
        }
        Matcher next = NEXT.matcher(link);
        if (!next.find()) {
            return null;
        }
        Matcher page = PAGE.matcher(next.group(1));
        return page.find() ? Integer.valueOf(page.group(1)) : null;
    }

    private static Map<String, Object> commit(JsonNode c) {
        Map<String, Object> item = new LinkedHashMap<>();
        String sha = c.path("sha").asText("");
        item.put("sha", sha.length() > 12 ? sha.substring(0, 12) : sha);
        item.put("message", clip(firstLine(text(c.path("commit").path("message"))), 200));
        String login = text(c.path("author").path("login"));
        item.put("author", login != null ? login : text(c.path("commit").path("author").path("name")));
        item.put("at", text(c.path("commit").path("committer").path("date")));
        item.put("url", text(c.path("html_url")));
        return item;
    }

    private static Step within(JsonNode node, String field, Instant since, Instant until,
            Function<JsonNode, Map<String, Object>> map) {
        Instant at = instant(node.path(field));
        if (at == null) {
            return Step.SKIP;
        }
        if (at.isBefore(since)) {
            return Step.STOP;
        }
        return at.isAfter(until) ? Step.SKIP : new Step(map.apply(node), false);
    }

    private static Map<String, Object> deployment(JsonNode d) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", d.path("id").asLong());
        item.put("environment", text(d.path("environment")));
        item.put("ref", text(d.path("ref")));
        String sha = d.path("sha").asText("");
        item.put("sha", sha.length() > 12 ? sha.substring(0, 12) : sha);
        item.put("createdAt", text(d.path("created_at")));
        item.put("creator", text(d.path("creator").path("login")));
        item.put("description", clip(text(d.path("description")), 200));
        item.put("state", null);
        return item;
    }

    private static Map<String, Object> pull(JsonNode p) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("number", p.path("number").asInt());
        item.put("title", clip(text(p.path("title")), 200));
        item.put("author", text(p.path("user").path("login")));
        item.put("mergedAt", text(p.path("merged_at")));
        item.put("base", text(p.path("base").path("ref")));
        item.put("url", text(p.path("html_url")));
        return item;
    }

    String auth() {
        return "Bearer " + token.orElse("").strip();
    }

    String[] ownerAndName() {
        Matcher m = REPOSITORY.matcher(repository());
        if (!m.matches()) {
            throw new IllegalStateException("GITHUB_REPOSITORY is not owner/name");
        }
        return new String[] { m.group(1), m.group(2) };
    }

    /** GitHub's timestamp form, YYYY-MM-DDTHH:MM:SSZ: since rounded down, until up, so nothing in the window is lost. */
    static String seconds(Instant at, boolean up) {
        Instant whole = at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return (up && whole.isBefore(at) ? whole.plusSeconds(1) : whole).toString();
    }

    private static Duration bounded(Duration wait) {
        return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
