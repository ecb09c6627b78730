package io.firebreak.providers.github;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.ProviderCalls;

/**
 * Seed 003's incident ticket on GitHub: open an issue, comment on it, label it, close it, and find
 * an issue or comment an earlier attempt made (by a marker in its body) when that attempt's answer was
 * lost. Shares
 * GitHubChanges' pacer, so a limit GitHub names (403/429 with retry-after, x-ratelimit-remaining 0)
 * holds every GitHub call of this process, and spaces content-creating calls as GitHub asks.
 * Never throws: every call answers a {@link Call}.
 */
@ApplicationScoped
public class GitHubIssues {

    static final String WRITES = "github-writes";

    @Inject
    @RestClient
    GitHubApi api;

    @Inject
    GitHubChanges changes;

    @Inject
    ProviderCalls calls;

    @Inject
    ObjectMapper mapper;

    /** GitHub's advice for mutative requests: at least a second apart. */
    @ConfigProperty(name = "firebreak.tickets.writes-per-second", defaultValue = "1")
    double writesPerSecond;

    /**
     * One call's outcome: done (with the issue's number and URL where there is one), or why not,
     * whether retrying can help, and how long GitHub asked to be left alone. Withheld: the caller's
     * guard said no just before the request, so nothing was sent.
     */
    public record Call(boolean ok, boolean permanent, Integer number, String url, String error, Duration retryAfter,
            boolean withheld) {
        public Call(boolean ok, boolean permanent, Integer number, String url, String error, Duration retryAfter) {
            this(ok, permanent, number, url, error, retryAfter, false);
        }

        static Call retry(String error, Duration wait) {
            return new Call(false, false, null, null, error, wait);
        }

        static Call held() {
            return new Call(false, false, null, null, "withheld: not sent", null, true);
        }
    }

    /**
     * Asked right before a write goes out (after its pacing slot, so after any wait): true sends it,
     * false withholds it. The ticket outbox's lease check: a process frozen while it held a claim
     * must not send once another worker may have taken the action over.
     */
    public interface Guard extends Supplier<Uni<Boolean>> {
        Guard ALWAYS = () -> Uni.createFrom().item(true);
    }

    /** Comment pages a look for an earlier attempt reads at most (100 comments each). */
    static final int COMMENT_PAGES = 3;

    public Uni<Call> create(String title, String body, List<String> labels, Guard go) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("title", title);
        json.put("body", body);
        json.put("labels", labels);
        String[] r = changes.ownerAndName();
        return write(go, () -> api.createIssue(r[0], r[1], json(json), changes.auth()));
    }

    public Uni<Call> comment(int number, String body, Guard go) {
        String[] r = changes.ownerAndName();
        return write(go, () -> api.comment(r[0], r[1], number, json(Map.of("body", body)), changes.auth()));
    }

    /** Adds labels (GitHub answers the issue's whole label list); the issue's other labels stay. */
    public Uni<Call> addLabels(int number, List<String> labels, Guard go) {
        String[] r = changes.ownerAndName();
        return write(go, () -> api.addLabels(r[0], r[1], number, json(Map.of("labels", labels)), changes.auth()));
    }

    /** Closes as completed; no labels in the PATCH, which would replace the whole set. */
    public Uni<Call> close(int number, Guard go) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", "closed");
        json.put("state_reason", "completed");
        String[] r = changes.ownerAndName();
        return write(go, () -> api.updateIssue(r[0], r[1], number, json(json), changes.auth()));
    }

    /** The newest issue labelled label whose body holds marker: ok with number null when there is none. */
    public Uni<Call> find(String label, String marker) {
        String[] r = changes.ownerAndName();
        return call(() -> api.issues(r[0], r[1], label, "all", "created", "desc", 100, changes.auth())).map(c -> {
            if (!c.call().ok()) {
                return c.call();
            }
            for (JsonNode issue : c.body()) {
                if (issue.path("body").asText("").contains(marker) && issue.path("pull_request").isMissingNode()) {
                    return new Call(true, false, issue.path("number").asInt(), issue.path("html_url").asText(null), null, null);
                }
            }
            return new Call(true, false, null, null, null, null);
        });
    }

    /**
     * A comment of the issue, updated since, whose body holds marker: ok with its html_url, or ok with
     * url null when none is among the first {@value #COMMENT_PAGES} pages (a bounded look).
     */
    public Uni<Call> findComment(int number, String marker, Instant since) {
        return findComment(number, marker, since.truncatedTo(ChronoUnit.SECONDS).toString(), 1);
    }

    private Uni<Call> findComment(int number, String marker, String since, int page) {
        String[] r = changes.ownerAndName();
        return call(() -> api.comments(r[0], r[1], number, since, 100, page, changes.auth())).flatMap(c -> {
            if (!c.call().ok()) {
                return Uni.createFrom().item(c.call());
            }
            for (JsonNode comment : c.body()) {
                if (comment.path("body").asText("").contains(marker)) {
                    return Uni.createFrom().item(new Call(true, false, null,
                            comment.path("html_url").asText("#issuecomment-" + comment.path("id").asText()), null, null));
                }
            }
            return c.body().size() < 100 || page >= COMMENT_PAGES ? Uni.createFrom().item(new Call(true, false, null, null, null, null))
                    : findComment(number, marker, since, page + 1);
        });
    }

    private record Read(Call call, JsonNode body) {
    }

    private Uni<Call> write(Guard go, Supplier<Uni<Response>> request) {
        return changes.pacer.slot(WRITES, writesPerSecond).flatMap(v -> go.get())
                .flatMap(send -> Boolean.TRUE.equals(send) ? call(request).map(Read::call) : Uni.createFrom().item(Call.held()));
    }

    private Uni<Read> call(Supplier<Uni<Response>> request) {
        Duration paused = changes.pacer.reserve(GitHubChanges.PROVIDER, 0);
        if (!paused.isZero() && !paused.isNegative()) {
            return Uni.createFrom().item(new Read(Call.retry("rate limited: GitHub asked to wait", paused), null));
        }
        return calls.callKeeping(request.get(), "x-ratelimit-remaining", "x-ratelimit-reset").map(this::read);
    }

    Read read(ProviderCalls.Headed headed) {
        ProviderCalls.Answer a = headed.answer();
        int status = a.status();
        if (status == 0) {
            // No answer is not a refusal: the call may have been done, so a retried create looks first.
            return new Read(Call.retry("no answer from GitHub (" + a.failure() + ")", null), null);
        }
        String message = GitHubChanges.clip(a.body().path("message").asText(""), 200);
        Duration limited = changes.limit(headed, status, message);
        if (limited != null) {
            changes.pacer.pause(GitHubChanges.PROVIDER, limited);
            if (!a.ok()) {
                return new Read(Call.retry("rate limited (" + status + "): retry after " + limited.toSeconds() + " s",
                        limited), null);
            }
        }
        if (a.ok()) {
            JsonNode b = a.body();
            Integer number = b.path("number").isInt() ? b.path("number").asInt() : null;
            return new Read(new Call(true, false, number, b.path("html_url").asText(null), null, null), b);
        }
        String said = message.isBlank() ? "" : ": " + message;
        JsonNode errors = a.body().path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            said += " " + GitHubChanges.clip(errors.toString(), 300);
        }
        if (status >= 500) {
            return new Read(Call.retry("GitHub answered " + status + said, null), null);
        }
        String why = switch (status) {
            case 401 -> "GitHub refused the token (401" + said + "): check GITHUB_TOKEN";
            case 403 -> "GitHub refused (403" + said + "): the token needs issues: write";
            case 404 -> "GitHub answered 404 for " + changes.repository() + " (" + message
                    + "): no such repository or issue, or the token may not see it";
            case 410 -> "GitHub answered 410" + said + ": issues are disabled in " + changes.repository();
            case 422 -> "GitHub refused the issue call (422" + said + ")";
            default -> "GitHub answered " + status + said;
        };
        return new Read(new Call(false, true, null, null, why, null), null);
    }

    private String json(Object body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
