package io.firebreak.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Supabase's log query endpoints behind the contract filter (contracts/supabase/logs*.json): what
 * JSON Schema cannot say — a range of more than 0 s and at most 24 h, and each endpoint's dialect
 * (ClickHouse's one logs table filtered by source, without count(*) or select *; BigQuery's table per
 * source) — refused as Supabase does, with HTTP 200 and an error; then the test's answer. Every
 * query is kept, so a test can count what a probe storm cost.
 */
public final class FakeSupabaseLogs implements StubRequestFilterV2 {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String LOGS = "/analytics/endpoints/logs";

    /** One query as received. */
    public record Query(boolean clickhouse, String sql, Instant start, Instant end) {
        /** The query's name: its leading comment ("-- firebreak: ..."). */
        public String name() {
            String first = sql.strip().lines().findFirst().orElse("");
            return first.startsWith("--") ? first.substring(2).strip() : first;
        }

        public Duration range() {
            return Duration.between(start, end);
        }
    }

    /** The fake's answer to a query that passed its rules. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer rows(String resultJson) {
            return new Answer(200, Map.of(), "{\"result\":" + resultJson + ",\"error\":null}");
        }
    }

    /** How the test wants queries answered. */
    @FunctionalInterface
    public interface Answers {
        Answer answer(Query q);
    }

    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private volatile Answers answers = q -> Answer.rows("[]");

    @Override
    public String getName() {
        return "supabase-logs";
    }

    public void answer(Answers answers) {
        this.answers = answers;
    }

    public List<Query> queries() {
        return List.copyOf(queries);
    }

    /** Queries refused for the endpoint's own rules (range, dialect). */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    public void reset() {
        queries.clear();
        refusals.clear();
        answers = q -> Answer.rows("[]");
    }

    @Override
    public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
        String url = request.getUrl();
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        boolean clickhouse = path.endsWith(LOGS);
        if (!clickhouse && !path.endsWith(LOGS + ".all")) {
            return RequestFilterAction.continueWith(request);
        }
        ObjectNode q = ContractFilter.query(url);
        String sql = q.path("sql").asText();
        Instant start;
        Instant end;
        try {
            start = Instant.parse(q.path("iso_timestamp_start").asText());
            end = Instant.parse(q.path("iso_timestamp_end").asText());
        } catch (DateTimeParseException e) {
            return refuse("timestamps are not RFC 3339 instants");
        }
        if (!end.isAfter(start) || Duration.between(start, end).compareTo(Duration.ofHours(24)) > 0) {
            return refuse("the range must be more than 0 and at most 24 hours");
        }
        String lower = sql.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (clickhouse) {
            if (!lower.matches(".*\\bfrom logs\\b.*")) {
                return refuse("Table \"" + table(lower) + "\" does not exist.");
            }
            if (!lower.matches(".*\\bsource(_name)? = '[a-z_]+'.*")) {
                return refuse("a query of the logs table filters by source");
            }
            if (lower.contains("count(*)") || lower.contains("select *")) {
                return refuse("count(*) and select * are not supported: use count() and name the columns");
            }
        } else if (lower.matches(".*\\bfrom logs\\b.*")) {
            return refuse("Table \"logs\" does not exist.");
        }
        Query query = new Query(clickhouse, sql, start, end);
        queries.add(query);
        Answer a = answers.answer(query);
        Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of("Content-Type", "application/json",
                "X-RateLimit-Limit", "30", "X-RateLimit-Remaining", "29", "X-RateLimit-Reset", "60"));
        headers.putAll(a.headers());
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition().withStatus(a.status());
        headers.forEach(response::withHeader);
        return RequestFilterAction.stopWith(response.withBody(a.body()).build());
    }

    private static String table(String sql) {
        int i = sql.indexOf(" from ");
        return i < 0 ? "?" : sql.substring(i + 6).split("[ ;]")[0];
    }

    private RequestFilterAction refuse(String why) {
        refusals.add("supabase logs: " + why);
        ObjectNode body = JSON.createObjectNode();
        body.putNull("result");
        body.putObject("error").put("message", why);
        return RequestFilterAction.stopWith(ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body.toString()).build());
    }
}
