package io.firebreak.providers.github;

import java.time.Duration;
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
 * Seed 003's incident ticket on GitHub: open an issue, comment on it, close it, and find one this
 * process opened before (by a marker in its body) when an earlier create's answer was lost. Shares
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
     * whether retrying can help, and how long GitHub asked to be left alone.
     */
    public record Call(boolean ok, boolean permanent, Integer number, String url, String error, Duration retryAfter) {
        static Call retry(String error, Duration wait) {
            return new Call(false, false, null, null, error, wait);
        }
    }

    public Uni<Call> create(String title, String body, List<String> labels) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("title", title);
        json.put("body", body);
        json.put("labels", labels);
        String[] r = changes.ownerAndName();
        return write(() -> api.createIssue(r[0], r[1], json(json), changes.auth()));
    }

    public Uni<Call> comment(int number, String body) {
        String[] r = changes.ownerAndName();
        return write(() -> api.comment(r[0], r[1], number, json(Map.of("body", body)), changes.auth()));
    }

    /** Closes as completed with exactly these labels (the PATCH replaces the set). */
    public Uni<Call> close(int number, List<String> labels) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", "closed");
        json.put("state_reason", "completed");
        json.put("labels", labels);
        String[] r = changes.ownerAndName();
        return write(() -> api.updateIssue(r[0], r[1], number, json(json), changes.auth()));
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

    private record Read(Call call, JsonNode body) {
    }

    private Uni<Call> write(Supplier<Uni<Response>> request) {
        return changes.pacer.slot(WRITES, writesPerSecond).flatMap(v -> call(request)).map(Read::call);
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
