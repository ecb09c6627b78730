package io.firebreak.functions.runcheck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;

import io.firebreak.providers.BoundedGet;
import io.firebreak.providers.DeclaredUrl;

/**
 * Runs a declared HTTP check: one bounded GET (deadline, byte cap, no redirects) with its secret
 * read from the environment at the moment of the call, then one JSON pointer judged by its rule.
 * What the API answered is never echoed beyond the one value: account APIs carry more than they should.
 */
@ApplicationScoped
public class HttpCheckRunner {

    /** How declared HTTP checks call out: their deadline and the most bytes an answer may have. */
    @ConfigMapping(prefix = "firebreak.http-checks")
    public interface Config {
        @WithDefault("5s")
        Duration timeout();

        @WithDefault("65536")
        int maxBytes();
    }

    /** One run: the value read, whether it breaches, the HTTP status; or why it did not run. */
    public record Outcome(Object value, boolean breached, int httpStatus, long tookMs, String error, Kind kind) {
    }

    /** Why a run has no value: the check lacks its configuration, the API refused us, or it did not answer. */
    public enum Kind {
        MEASURED, NOT_CONFIGURED, REFUSED, UNAVAILABLE
    }

    @Inject
    BoundedGet http;

    @Inject
    ObjectMapper mapper;

    @Inject
    Config config;

    /** The environment names a check still needs: its URL placeholders and its auth variables. */
    static List<String> missing(HttpCheck check) {
        // A variable may serve twice (Twilio's account id is in the URL and is the Basic user): named once.
        java.util.Set<String> missing = new java.util.LinkedHashSet<>(check.missing());
        for (String env : new String[] { check.auth().userEnv(), check.auth().env() }) {
            if (env != null && DeclaredUrl.env(env).isEmpty()) {
                missing.add(env);
            }
        }
        return List.copyOf(missing);
    }

    public Uni<Outcome> run(HttpCheck check) {
        List<String> missing = missing(check);
        if (!missing.isEmpty()) {
            return Uni.createFrom().item(new Outcome(null, false, 0, 0, "not configured: " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not set", Kind.NOT_CONFIGURED));
        }
        long start = System.nanoTime();
        return http.get(check.url(), headers(check), config.timeout(), config.maxBytes(), "Retry-After")
                .map(answer -> judge(check, answer, Duration.ofNanos(System.nanoTime() - start).toMillis()));
    }

    Outcome judge(HttpCheck check, BoundedGet.Answer answer, long tookMs) {
        String where = DeclaredUrl.shown(check.rawUrl());
        if (answer.status() == 0) {
            return new Outcome(null, false, 0, tookMs, where + ": " + answer.failure(), Kind.UNAVAILABLE);
        }
        if (answer.failure() != null) {
            return new Outcome(null, false, answer.status(), tookMs, where + ": " + answer.failure(), Kind.REFUSED);
        }
        if (answer.status() == 429 || answer.status() >= 500) {
            String retry = answer.header("Retry-After");
            return new Outcome(null, false, answer.status(), tookMs, where + " answered HTTP " + answer.status()
                    + (retry == null ? "" : " (retry after " + retry + " s)"), Kind.UNAVAILABLE);
        }
        if (!answer.ok()) {
            String hint = answer.status() == 401 || answer.status() == 403
                    ? ": its credentials (" + String.join(", ", authNames(check)) + ") were refused"
                    : answer.status() == 404 ? ": check the URL's ids (" + DeclaredUrl.shown(check.rawUrl()) + ")" : "";
            return new Outcome(null, false, answer.status(), tookMs, where + " answered HTTP " + answer.status() + hint,
                    Kind.REFUSED);
        }
        JsonNode body;
        try {
            body = mapper.readTree(answer.body());
        } catch (Exception notJson) {
            return new Outcome(null, false, answer.status(), tookMs, where + " did not answer JSON", Kind.REFUSED);
        }
        JsonNode node = body == null ? null : body.at(check.pointer());
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return new Outcome(null, false, answer.status(), tookMs, "no value at " + check.pointer() + " in the answer",
                    Kind.REFUSED);
        }
        HttpCheck.Rule rule = check.rule();
        if (rule.expect() != null) {
            String value = node.asText();
            return new Outcome(value, !rule.expect().equals(value), answer.status(), tookMs, null, Kind.MEASURED);
        }
        Double number = node.isNumber() ? Double.valueOf(node.asDouble()) : parse(node.asText());
        if (number == null) {
            return new Outcome(null, false, answer.status(), tookMs, "the value at " + check.pointer() + " is not a number",
                    Kind.REFUSED);
        }
        boolean breached = rule.below() != null ? number < rule.below() : number > rule.above();
        return new Outcome(number, breached, answer.status(), tookMs, null, Kind.MEASURED);
    }

    private static Map<String, String> headers(HttpCheck check) {
        HttpCheck.Auth auth = check.auth();
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Accept", "application/json"));
        if (auth.env() == null) {
            return headers;
        }
        String secret = DeclaredUrl.env(auth.env()).orElseThrow();
        String header = switch (auth.scheme()) {
            case "basic" -> "Basic " + Base64.getEncoder().encodeToString(
                    (DeclaredUrl.env(auth.userEnv()).orElseThrow() + ":" + secret).getBytes(StandardCharsets.UTF_8));
            case "bearer" -> "Bearer " + secret;
            default -> secret;
        };
        headers.put(auth.header(), header);
        return headers;
    }

    private static List<String> authNames(HttpCheck check) {
        List<String> names = new ArrayList<>();
        if (check.auth().userEnv() != null) {
            names.add(check.auth().userEnv());
        }
        if (check.auth().env() != null) {
            names.add(check.auth().env());
        }
        return names;
    }

    private static Double parse(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
