package io.firebreak.providers.supabase;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.ProviderCalls;
import io.firebreak.providers.ProviderPacer;

/**
 * Runs SupabaseLogQueries' SQL against the Management API's log endpoint within its rules: both
 * timestamps always sent (without them the API reads only the last minute), a range of at most
 * 24 h, at most 30 queries a minute (paced here; a 429 pauses every caller until x-ratelimit-reset),
 * and an {@code error} that arrives with HTTP 200 read as the failure it is. Never throws: each
 * query answers rows or why there are none, without the token.
 */
@ApplicationScoped
public class SupabaseLogs {

    static final String PROVIDER = "supabase-logs";
    /** A project ref: exactly 20 lower-case letters. */
    static final Pattern REF = Pattern.compile("[a-z]{20}");
    public static final Duration MAX_RANGE = Duration.ofHours(24);

    // Resolved on the first query, so a confirm-outage probe without Supabase configured never builds the client.
    @Inject
    @RestClient
    jakarta.enterprise.inject.Instance<SupabaseLogsApi> api;

    @Inject
    ProviderCalls calls;

    @ConfigProperty(name = "supabase.access-token")
    Optional<String> accessToken;

    @ConfigProperty(name = "supabase.project-ref")
    Optional<String> projectRef;

    @ConfigProperty(name = "firebreak.supabase.logs-engine", defaultValue = "clickhouse")
    String engineName;

    /** 30 requests a minute for the log endpoint. */
    @ConfigProperty(name = "firebreak.providers.supabase-logs.max-rate", defaultValue = "0.5")
    double maxRate;

    private final ProviderPacer pacer = new ProviderPacer(System::nanoTime);
    private SupabaseLogQueries queries;
    private String engineProblem;

    @PostConstruct
    void init() {
        try {
            queries = new SupabaseLogQueries(SupabaseLogQueries.Engine.parse(engineName));
        } catch (IllegalArgumentException e) {
            queries = new SupabaseLogQueries(SupabaseLogQueries.Engine.CLICKHOUSE);
            engineProblem = e.getMessage();
        }
    }

    /** One query's answer: its rows, or why there are none (and the HTTP status, 0 when none came). */
    public record Result(JsonNode rows, String error, int httpStatus) {
        public boolean ok() {
            return error == null;
        }

        static Result failed(String error, int status) {
            return new Result(JsonNodeFactory.instance.arrayNode(), error, status);
        }
    }

    /** Why the logs cannot be read here, or null when they can. */
    public String notConfigured() {
        if (blank(accessToken) || blank(projectRef)) {
            return "SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF are not both set";
        }
        if (!REF.matcher(projectRef.get().strip()).matches()) {
            return "SUPABASE_PROJECT_REF is not a project ref (20 lower-case letters)";
        }
        return engineProblem;
    }

    public SupabaseLogQueries queries() {
        return queries;
    }

    /**
     * Runs one of SupabaseLogQueries' statements over [from, to); when the paced slot is further
     * away than maxWait, answers "rate limited" at once (the 30-a-minute budget is shared by every caller).
     */
    public Uni<Result> query(String sql, Instant from, Instant to, Duration maxWait) {
        String why = notConfigured();
        if (why != null) {
            return Uni.createFrom().item(Result.failed("not configured: " + why, 0));
        }
        Instant start = from.truncatedTo(ChronoUnit.SECONDS);
        Instant end = to.truncatedTo(ChronoUnit.SECONDS);
        if (!end.isAfter(start) || Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            return Uni.createFrom().item(Result.failed("a log query covers more than 0 s and at most 24 h", 0));
        }
        Optional<Duration> slot = pacer.tryReserve(PROVIDER, maxRate, maxWait);
        if (slot.isEmpty()) {
            return Uni.createFrom().item(Result.failed("rate limited: Supabase allows 30 log queries a minute;"
                    + " firebreak is holding back until its next slot", 429));
        }
        Uni<Void> wait = slot.get().isZero() || slot.get().isNegative() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(slot.get());
        String ref = projectRef.get().strip();
        String auth = "Bearer " + accessToken.get().strip();
        String s = start.toString();
        String e = end.toString();
        return wait.flatMap(v -> calls.call(queries.engine() == SupabaseLogQueries.Engine.CLICKHOUSE
                ? api.get().logs(ref, sql, s, e, auth)
                : api.get().logsAll(ref, sql, s, e, auth)))
                .map(this::read);
    }

    private Result read(ProviderCalls.Answer answer) {
        if (answer.status() == 0) {
            return Result.failed("Supabase did not answer: " + clip(answer.failure()), 0);
        }
        if (answer.status() == 429) {
            Duration reset = ProviderCalls.seconds(answer.rateLimitReset() != null ? answer.rateLimitReset()
                    : answer.retryAfter());
            Duration pause = reset == null ? Duration.ofSeconds(60) : reset;
            pacer.pause(PROVIDER, pause);
            return Result.failed("rate limited by Supabase (429): log queries resume in " + pause.toSeconds() + " s", 429);
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return Result.failed("Supabase refused SUPABASE_ACCESS_TOKEN (HTTP " + answer.status() + " "
                    + clip(message(answer.body())) + "); it needs analytics read access to the project", answer.status());
        }
        if (!answer.ok()) {
            return Result.failed("Supabase answered HTTP " + answer.status() + " " + clip(message(answer.body())),
                    answer.status());
        }
        JsonNode error = answer.body().path("error");
        if (!error.isMissingNode() && !error.isNull() && !(error.isTextual() && error.asText().isBlank())) {
            // The endpoint reports a refused query (bad SQL, a range it will not read) with HTTP 200.
            return Result.failed("Supabase refused the log query: " + clip(error.isTextual() ? error.asText()
                    : error.hasNonNull("message") ? error.get("message").asText() : error.toString()), answer.status());
        }
        JsonNode rows = answer.body().path("result");
        if (!rows.isArray()) {
            // Not the endpoint's answer (a proxy's page, a changed shape): never read as "no rows".
            return Result.failed("Supabase's answer has no result rows (HTTP " + answer.status() + ")", answer.status());
        }
        return new Result(rows, null, answer.status());
    }

    private static String message(JsonNode body) {
        for (String field : new String[] { "message", "error", "msg" }) {
            JsonNode v = body.path(field);
            if (v.isTextual()) {
                return v.asText();
            }
            if (v.hasNonNull("message")) {
                return v.get("message").asText();
            }
        }
        return "";
    }

    static String clip(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    private static boolean blank(Optional<String> value) {
        return value.isEmpty() || value.get().isBlank();
    }
}
