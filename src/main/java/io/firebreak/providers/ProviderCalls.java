package io.firebreak.providers;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * Every provider call reads the same way: within a deadline, any HTTP status as an answer (never
 * an exception), the body as JSON when it is JSON, and a missing answer as status 0 with why.
 */
@ApplicationScoped
public class ProviderCalls {

    /**
     * A provider's answer: HTTP status (0: none came), JSON body (empty when not JSON), Retry-After,
     * the rate limit's reset (x-ratelimit-reset, seconds), or why none came.
     */
    public record Answer(int status, JsonNode body, String retryAfter, String failure, String rateLimitReset) {
        public Answer(int status, JsonNode body, String retryAfter, String failure) {
            this(status, body, retryAfter, failure, null);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A header counting seconds (Retry-After, x-ratelimit-reset), never negative; null when absent or not a number. */
    public static Duration seconds(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "firebreak.providers.timeout", defaultValue = "6s")
    Duration timeout;

    public Uni<Answer> call(Uni<Response> request) {
        return request.ifNoItem().after(timeout).fail()
                .onFailure(WebApplicationException.class).recoverWithItem(e -> ((WebApplicationException) e).getResponse())
                .map(this::read)
                .onFailure().recoverWithItem(e -> new Answer(0, mapper.createObjectNode(), null,
                        "no answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
    }

    /** An answer with the response headers its caller pages or paces by (link, x-ratelimit-*), by lower-case name. */
    public record Headed(Answer answer, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A paged list answer announcing more than this (Content-Length) is not read: a page is never that large. */
    static final long MAX_KEPT_ANSWER_BYTES = 8L * 1024 * 1024;

    /** The same as {@link #call}, keeping the named response headers (GitHub's next page is only in its link header). */
    public Uni<Headed> callKeeping(Uni<Response> request, String... names) {
        return request.ifNoItem().after(timeout).fail()
                .onFailure(WebApplicationException.class).recoverWithItem(e -> ((WebApplicationException) e).getResponse())
                .map(response -> {
                    if (response.getLength() > MAX_KEPT_ANSWER_BYTES) {
                        response.close();
                        return new Headed(new Answer(0, mapper.createObjectNode(), null, "answer of " + response.getLength()
                                + " bytes, over " + MAX_KEPT_ANSWER_BYTES), Map.of());
                    }
                    Map<String, String> kept = new HashMap<>();
                    for (String name : names) {
                        String value = response.getHeaderString(name);
                        if (value != null) {
                            kept.put(name.toLowerCase(Locale.ROOT), value);
                        }
                    }
                    return new Headed(read(response), Map.copyOf(kept));
                })
                .onFailure().recoverWithItem(e -> new Headed(new Answer(0, mapper.createObjectNode(), null,
                        "no answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())), Map.of()));
    }

    private Answer read(Response response) {
        String text = response.hasEntity() ? response.readEntity(String.class) : "";
        JsonNode body;
        try {
            body = text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (Exception notJson) {
            body = mapper.createObjectNode();
        }
        return new Answer(response.getStatus(), body, response.getHeaderString("Retry-After"), null,
                response.getHeaderString("x-ratelimit-reset"));
    }
}
