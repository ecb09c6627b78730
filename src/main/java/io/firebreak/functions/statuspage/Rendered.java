package io.firebreak.functions.statuspage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.firebreak.safety.PlannedActions;

/**
 * One rendering of the whole site: every file with its type, body and ETag, made from one
 * {@link StatusView}. Served from memory between changes, and exported as it is.
 */
record Rendered(StatusView view, Instant at, Map<String, File> files) {

    /** One file of the site. */
    record File(String path, String contentType, byte[] body, String etag) {
    }

    static Rendered of(StatusView view, ObjectMapper mapper) {
        Map<String, File> files = new LinkedHashMap<>();
        StatusHtml html = new StatusHtml(view);
        html.pages().forEach((path, body) -> put(files, path, "text/html; charset=utf-8", body));
        StatuspageJson json = new StatuspageJson(mapper, view);
        json.documents().forEach((path, doc) -> {
            try {
                put(files, path, "application/json", mapper.writeValueAsString(doc));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        StatusFeeds feeds = new StatusFeeds(view);
        put(files, "/history.atom", "application/atom+xml; charset=utf-8", feeds.atom(json.updatedAt()));
        put(files, "/history.rss", "application/rss+xml; charset=utf-8", feeds.rss(json.updatedAt()));
        put(files, "/badge.svg", "image/svg+xml", feeds.badge());
        return new Rendered(view, view.at(), java.util.Collections.unmodifiableMap(files));
    }

    private static void put(Map<String, File> files, String path, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // The HTML's "Updated" line changes every render; a page is re-sent only when its content changes.
        String stable = type.startsWith("text/html") ? body.replaceAll("Updated <time[^<]*</time>", "") : body;
        files.put(path, new File(path, type, bytes, "\"" + PlannedActions.sha256(stable).substring(0, 32) + "\""));
    }
}
