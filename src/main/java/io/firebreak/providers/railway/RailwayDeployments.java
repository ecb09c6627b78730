package io.firebreak.providers.railway;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * A declared Railway service's deployments over a window, from Railway's GraphQL API (newest first,
 * a bounded number of pages). GraphQL failures arrive as HTTP 200 with an errors array and are read
 * as errors; a 429 pauses every Railway call of this process for its Retry-After.
 */
@ApplicationScoped
public class RailwayDeployments {

    public static final String PROVIDER = "railway";

    static final String QUERY = """
            query deployments($input: DeploymentListInput!, $first: Int, $after: String) {
              deployments(input: $input, first: $first, after: $after) {
                edges { node { id status createdAt } }
                pageInfo { hasNextPage endCursor }
              }
            }""";

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

    @ConfigProperty(name = "firebreak.changes.railway.page-size", defaultValue = "20")
    int pageSize;

    @ConfigProperty(name = "firebreak.changes.railway.max-pages", defaultValue = "3")
    int maxPages;

    private final ProviderPacer pacer = new ProviderPacer(System::nanoTime);

    /** Why Railway is not read, when it is not: no token, or a token kind that is neither account nor project. */
    public Optional<String> skipped() {
        if (token.isEmpty() || token.get().isBlank()) {
            return Optional.of("RAILWAY_TOKEN is not set");
        }
        if (!List.of("account", "project").contains(tokenKind.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of("RAILWAY_TOKEN_KIND is account or project");
        }
        return Optional.empty();
    }

    /** The service's deployments created in [since, until], newest first; latest: the newest at all (what runs now, or tries to). */
    public Uni<Map<String, Object>> deployments(RailwayServices declared, RailwayServices.Service service, Instant since,
            Instant until) {
        return page(declared, service, since, until, null, 1, new ArrayList<>(), new Object[1]).map(listing -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("service", service.name());
            out.putAll(listing.listing().toAnswer());
            out.put("latest", listing.latest());
            return out;
        });
    }

    /** A listing and the newest deployment seen. */
    record Read(ProviderListing listing, Map<String, Object> latest) {
    }

    private Uni<Read> page(RailwayServices declared, RailwayServices.Service service, Instant since, Instant until, String after,
            int page, List<Map<String, Object>> items, Object[] latest) {
        Duration wait = pacer.reserve(PROVIDER, 0);
        if (!wait.isZero() && !wait.isNegative()) {
            return Uni.createFrom().item(new Read(ProviderListing.limited(items, seconds(wait)), latestOf(latest)));
        }
        ObjectNode body = mapper.createObjectNode().put("query", QUERY);
        ObjectNode variables = body.putObject("variables");
        variables.putObject("input").put("projectId", declared.project()).put("environmentId", declared.environment())
                .put("serviceId", service.id());
        variables.put("first", pageSize);
        if (after != null) {
            variables.put("after", after);
        }
        boolean project = tokenKind.strip().equalsIgnoreCase("project");
        String secret = token.orElse("").strip();
        return calls.call(api.graphql(project ? null : "Bearer " + secret, project ? secret : null, body.toString()))
                .flatMap(answer -> {
                    String error = error(answer);
                    if (error != null) {
                        return Uni.createFrom().item(new Read(error.startsWith("rate limited")
                                ? ProviderListing.limited(items, retrySeconds(answer))
                                : ProviderListing.failed(items, error), latestOf(latest)));
                    }
                    JsonNode deployments = answer.body().path("data").path("deployments");
                    boolean older = false;
                    for (JsonNode edge : deployments.path("edges")) {
                        JsonNode node = edge.path("node");
                        Instant at = instant(node.path("createdAt"));
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("id", node.path("id").asText(null));
                        item.put("status", node.path("status").asText(null));
                        item.put("createdAt", node.path("createdAt").asText(null));
                        if (latest[0] == null) {
                            latest[0] = item;
                        }
                        if (at == null || at.isAfter(until)) {
                            continue;
                        }
                        if (at.isBefore(since)) {
                            older = true;
                            break;
                        }
                        items.add(item);
                    }
                    JsonNode info = deployments.path("pageInfo");
                    boolean more = info.path("hasNextPage").asBoolean(false) && info.path("endCursor").isTextual();
                    if (older || !more) {
                        return Uni.createFrom().item(new Read(new ProviderListing(List.copyOf(items), false, null, null),
                                latestOf(latest)));
                    }
                    if (page >= maxPages) {
                        return Uni.createFrom().item(new Read(new ProviderListing(List.copyOf(items), true, null, null),
                                latestOf(latest)));
                    }
                    return page(declared, service, since, until, info.path("endCursor").asText(), page + 1, items, latest);
                });
    }

    /** Why an answer is not a deployments list: no answer, an HTTP error, a 429 (which pauses Railway calls), GraphQL errors. */
    String error(ProviderCalls.Answer answer) {
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
        if (!answer.body().path("data").path("deployments").path("edges").isArray()) {
            return "Railway answered without a deployments list";
        }
        return null;
    }

    private static long retrySeconds(ProviderCalls.Answer answer) {
        Duration retry = ProviderCalls.seconds(answer.retryAfter());
        long s = retry == null ? 60 : retry.toSeconds();
        return Math.min(3600, Math.max(1, s));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> latestOf(Object[] latest) {
        return (Map<String, Object>) latest[0];
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
