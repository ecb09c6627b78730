package io.firebreak.providers.railway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.ProviderCalls;
import io.firebreak.providers.ProviderListing;
import io.firebreak.providers.ProviderPacer;

/**
 * Every call to Railway's GraphQL API goes through here: the token in the header its kind needs,
 * one pause for the whole process after a 429 (Retry-After), and one reading of failures — Railway
 * answers GraphQL errors with HTTP 200 and an errors array, which is an error, never data.
 */
@ApplicationScoped
public class RailwayGraphql {

    public static final String PROVIDER = "railway";

    @Inject
    @RestClient
    RailwayApi api;

    @Inject
    ProviderCalls calls;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "railway.token")
    Optional<String> token;

    /** account (a bearer token: account or workspace) or project (Project-Access-Token). */
    @ConfigProperty(name = "railway.token-kind", defaultValue = "account")
    String tokenKind;

    private final ProviderPacer pacer = new ProviderPacer(System::nanoTime);

    /** Why Railway cannot be called, when it cannot: no token, or a token kind that is neither account nor project. */
    public Optional<String> skipped() {
        if (token.isEmpty() || token.get().isBlank()) {
            return Optional.of("RAILWAY_TOKEN is not set");
        }
        if (!List.of("account", "project").contains(tokenKind.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of("RAILWAY_TOKEN_KIND is account or project");
        }
        return Optional.empty();
    }

    /** How long Railway asked to be left alone (its last 429), zero when it did not. */
    public Duration paused() {
        Duration wait = pacer.reserve(PROVIDER, 0);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** One GraphQL document with its variables; any answer (or none) as an Answer, never an exception. */
    public Uni<ProviderCalls.Answer> post(String query, ObjectNode variables) {
        ObjectNode body = mapper.createObjectNode().put("query", query);
        body.set("variables", variables);
        boolean project = tokenKind.strip().equalsIgnoreCase("project");
        String secret = token.orElse("").strip();
        return calls.call(api.graphql(project ? null : "Bearer " + secret, project ? secret : null, body.toString()));
    }

    /**
     * A keyed fingerprint of a value (HMAC-SHA256 under the Railway token, hex): what a plan's digest
     * holds for a secret variable, so the plan can be checked against Railway again without storing
     * the secret or a bare hash that could be guessed back from it.
     */
    public String fingerprint(String value) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            byte[] key = ("railway-fingerprint:" + token.orElse("").strip()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public ObjectNode variables() {
        return mapper.createObjectNode();
    }

    /**
     * Why an answer carries no data at {@code field}: no answer, a 429 (which pauses every Railway
     * call of this process), GraphQL errors, a refused token, another HTTP error, or no such field;
     * null when it does.
     */
    public String error(ProviderCalls.Answer answer, String field) {
        if (answer.status() == 0) {
            return "no answer from Railway (" + answer.failure() + ")";
        }
        if (answer.status() == 429) {
            pacer.pause(PROVIDER, Duration.ofSeconds(retrySeconds(answer)));
            return ProviderListing.rateLimited(retrySeconds(answer));
        }
        JsonNode errors = answer.body().path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            List<String> messages = new ArrayList<>();
            errors.forEach(e -> messages.add(clip(e.path("message").asText("error"), 200)));
            String joined = String.join("; ", messages);
            return "Railway answered: " + joined + (joined.toLowerCase(Locale.ROOT).contains("not authorized")
                    ? " (check RAILWAY_TOKEN, RAILWAY_TOKEN_KIND and the declared ids)" : "");
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return "Railway refused the token (" + answer.status() + "): check RAILWAY_TOKEN and RAILWAY_TOKEN_KIND";
        }
        if (!answer.ok()) {
            return "Railway answered " + answer.status();
        }
        JsonNode data = answer.body().path("data").path(field);
        if (data.isMissingNode() || data.isNull()) {
            return "Railway answered without " + field;
        }
        return null;
    }

    public static boolean isRateLimited(String error) {
        return error != null && error.startsWith("rate limited");
    }

    /** Railway's Retry-After in seconds, within [1, 3600]; 60 when it gave none. */
    public static long retrySeconds(ProviderCalls.Answer answer) {
        Duration retry = ProviderCalls.seconds(answer.retryAfter());
        long s = retry == null ? 60 : retry.toSeconds();
        return Math.min(3600, Math.max(1, s));
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
