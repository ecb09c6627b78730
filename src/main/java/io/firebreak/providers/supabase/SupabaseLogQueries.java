package io.firebreak.providers.supabase;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every line of log SQL firebreak sends to Supabase, in both dialects, and how their rows are read:
 * the Logs Explorer moved from BigQuery (a table per source, fields reached by {@code cross join
 * unnest(metadata)}, endpoint {@code logs.all}) to ClickHouse (one {@code logs} table filtered by
 * {@code source}, fields in the {@code log_attributes} string map, endpoint {@code logs}). When it
 * moves again, this class is the one to change. No caller input is ever part of the SQL: the window
 * travels as the endpoint's own {@code iso_timestamp_start}/{@code iso_timestamp_end} parameters.
 */
public final class SupabaseLogQueries {

    /** The query engine, chosen by SUPABASE_LOGS_ENGINE. */
    public enum Engine {
        /** {@code GET .../analytics/endpoints/logs}: the default engine since June 2026. */
        CLICKHOUSE,
        /** {@code GET .../analytics/endpoints/logs.all}: projects still on the BigQuery dialect. */
        BIGQUERY;

        public static Engine parse(String value) {
            return switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
                case "", "clickhouse" -> CLICKHOUSE;
                case "bigquery" -> BIGQUERY;
                default -> throw new IllegalArgumentException("SUPABASE_LOGS_ENGINE is clickhouse or bigquery, not " + value);
            };
        }

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The most rows a tail of function logs may ask for. */
    public static final int TAIL_MAX = 50;
    /** Status/function groups of Edge Function responses read at most (a project with more functions is cut). */
    static final int GROUPS_MAX = 200;
    static final int AUTH_GROUPS_MAX = 20;

    private final Engine engine;

    public SupabaseLogQueries(Engine engine) {
        this.engine = engine;
    }

    public Engine engine() {
        return engine;
    }

    /** Seed 000 Step 1's "Edge Function logs → 5xx spike": responses per status code and function. */
    public String edgeResponses() {
        return switch (engine) {
            case CLICKHOUSE -> """
                    -- firebreak: edge function responses by status
                    select toInt32OrZero(log_attributes['response.status_code']) as status_code,
                      log_attributes['function_id'] as function_id,
                      count() as count
                    from logs
                    where source = 'function_edge_logs'
                    group by status_code, function_id
                    order by count desc
                    limit %d""".formatted(GROUPS_MAX);
            case BIGQUERY -> """
                    -- firebreak: edge function responses by status
                    select response.status_code as status_code, m.function_id as function_id, count(*) as count
                    from function_edge_logs
                      cross join unnest(metadata) as m
                      cross join unnest(m.response) as response
                    group by status_code, function_id
                    order by count desc
                    limit %d""".formatted(GROUPS_MAX);
        };
    }

    /** One row: how many Edge Function responses in the window, and how many of them were 5xx. */
    public String edgeServerErrors() {
        return switch (engine) {
            case CLICKHOUSE -> """
                    -- firebreak: edge function 5xx count
                    select countIf(toInt32OrZero(log_attributes['response.status_code']) >= 500) as server_errors,
                      count() as responses
                    from logs
                    where source = 'function_edge_logs'
                    limit 1""";
            case BIGQUERY -> """
                    -- firebreak: edge function 5xx count
                    select sum(case when response.status_code >= 500 then 1 else 0 end) as server_errors,
                      count(*) as responses
                    from function_edge_logs
                      cross join unnest(metadata) as m
                      cross join unnest(m.response) as response
                    limit 1""";
        };
    }

    /** Seed 002 §2 "Auth logs show repeated 401/403 errors": failed auth requests per status and path, with a sample message. */
    public String authFailures() {
        return switch (engine) {
            case CLICKHOUSE -> """
                    -- firebreak: auth failures
                    select toInt32OrZero(log_attributes['status']) as status,
                      log_attributes['path'] as path,
                      max(log_attributes['msg']) as msg,
                      max(log_attributes['error']) as error,
                      count() as count
                    from logs
                    where source = 'auth_logs'
                      and (toInt32OrZero(log_attributes['status']) >= 400 or log_attributes['level'] in ('error', 'fatal'))
                    group by status, path
                    order by count desc
                    limit %d""".formatted(AUTH_GROUPS_MAX);
            case BIGQUERY -> """
                    -- firebreak: auth failures
                    select cast(metadata.status as int64) as status, metadata.path as path,
                      max(metadata.msg) as msg, max(metadata.error) as error, count(*) as count
                    from auth_logs
                      cross join unnest(metadata) as metadata
                    where cast(metadata.status as int64) >= 400 or metadata.level in ('error', 'fatal')
                    group by status, path
                    order by count desc
                    limit %d""".formatted(AUTH_GROUPS_MAX);
        };
    }

    /** Seed 001's {@code supabase functions logs --tail}: the newest console lines of Edge Functions. */
    public String functionTail(int limit) {
        int rows = Math.max(1, Math.min(TAIL_MAX, limit));
        return switch (engine) {
            case CLICKHOUSE -> """
                    -- firebreak: function log tail
                    select id, timestamp, event_message, severity_text as level,
                      log_attributes['function_id'] as function_id
                    from logs
                    where source = 'function_logs'
                    order by timestamp desc
                    limit %d""".formatted(rows);
            case BIGQUERY -> """
                    -- firebreak: function log tail
                    select id, function_logs.timestamp, event_message, metadata.level as level,
                      metadata.function_id as function_id
                    from function_logs
                      cross join unnest(metadata) as metadata
                    order by timestamp desc
                    limit %d""".formatted(rows);
        };
    }

    /** A row of {@link #edgeResponses()}. */
    public record StatusCount(int status, String functionId, long count) {
    }

    public static List<StatusCount> statusCounts(JsonNode rows) {
        List<StatusCount> counts = new ArrayList<>();
        for (JsonNode row : rows) {
            counts.add(new StatusCount(integer(row.path("status_code")), text(row.path("function_id")),
                    number(row.path("count"))));
        }
        return counts;
    }

    /** The one row of {@link #edgeServerErrors()}: 5xx responses and all responses. */
    public record ServerErrors(long serverErrors, long responses) {
    }

    public static ServerErrors serverErrors(JsonNode rows) {
        JsonNode row = rows.path(0);
        return new ServerErrors(number(row.path("server_errors")), number(row.path("responses")));
    }

    /** A row of {@link #authFailures()}. */
    public record AuthFailure(int status, String path, String message, long count) {
    }

    public static List<AuthFailure> authFailures(JsonNode rows) {
        List<AuthFailure> failures = new ArrayList<>();
        for (JsonNode row : rows) {
            String msg = text(row.path("msg"));
            String error = text(row.path("error"));
            String message = msg == null ? error : error == null || msg.contains(error) ? msg : msg + ": " + error;
            failures.add(new AuthFailure(integer(row.path("status")), text(row.path("path")), message,
                    number(row.path("count"))));
        }
        return failures;
    }

    /** A row of {@link #functionTail(int)}. */
    public record FunctionLine(String id, Instant at, String level, String functionId, String message) {
    }

    public static List<FunctionLine> functionLines(JsonNode rows) {
        List<FunctionLine> lines = new ArrayList<>();
        for (JsonNode row : rows) {
            lines.add(new FunctionLine(text(row.path("id")), timestamp(row.path("timestamp")), text(row.path("level")),
                    text(row.path("function_id")), text(row.path("event_message"))));
        }
        return lines;
    }

    /**
     * A row's timestamp: BigQuery answers microseconds since the epoch (a number, sometimes a string
     * of digits); ClickHouse an ISO-8601 text in UTC without a zone ({@code 2026-06-22T09:34:06.215000}).
     */
    public static Instant timestamp(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        String text = value.asText().strip();
        if (value.isNumber() || text.matches("\\d{10,19}")) {
            long micros = value.isNumber() ? value.asLong() : Long.parseLong(text);
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException zoned) {
            try {
                return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    // ClickHouse map values are strings and BigQuery numbers may arrive as strings: read both.
    private static long number(JsonNode value) {
        if (value.isNumber()) {
            return value.asLong();
        }
        try {
            return value.isTextual() ? Long.parseLong(value.asText().strip()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int integer(JsonNode value) {
        long n = number(value);
        return n > Integer.MAX_VALUE || n < 0 ? 0 : (int) n;
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() || value.asText().isEmpty() ? null : value.asText();
    }
}
