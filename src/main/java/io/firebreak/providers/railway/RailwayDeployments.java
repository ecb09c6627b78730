package io.firebreak.providers.railway;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.ProviderCalls;
import io.firebreak.providers.ProviderListing;

/**
 * A declared Railway service's deployments over a window, from Railway's GraphQL API (newest first,
 * a bounded number of pages), read as RailwayGraphql reads every Railway answer.
 */
@ApplicationScoped
public class RailwayDeployments {

    static final String QUERY = """
            query deployments($input: DeploymentListInput!, $first: Int, $after: String) {
              deployments(input: $input, first: $first, after: $after) {
                edges { node { id status createdAt } }
                pageInfo { hasNextPage endCursor }
              }
            }""";

    @Inject
    RailwayGraphql railway;

    @ConfigProperty(name = "firebreak.changes.railway.page-size", defaultValue = "20")
    int pageSize;

    @ConfigProperty(name = "firebreak.changes.railway.max-pages", defaultValue = "3")
    int maxPages;

    /** Why Railway is not read, when it is not: no token, or a token kind that is neither account nor project. */
    public Optional<String> skipped() {
        return railway.skipped();
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
        Duration wait = railway.paused();
        if (!wait.isZero()) {
            return Uni.createFrom().item(new Read(ProviderListing.limited(items, seconds(wait)), latestOf(latest)));
        }
        ObjectNode variables = railway.variables();
        variables.putObject("input").put("projectId", declared.project()).put("environmentId", declared.environment())
                .put("serviceId", service.id());
        variables.put("first", pageSize);
        if (after != null) {
            variables.put("after", after);
        }
        return railway.post(QUERY, variables)
                .flatMap(answer -> {
                    String error = error(answer);
                    if (error != null) {
                        return Uni.createFrom().item(new Read(error.startsWith("rate limited")
                                ? ProviderListing.limited(items, RailwayGraphql.retrySeconds(answer))
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

    /** Why an answer is not a deployments list: as every Railway answer is read, and an edges array. */
    String error(ProviderCalls.Answer answer) {
        String error = railway.error(answer, "deployments");
        if (error == null && !answer.body().path("data").path("deployments").path("edges").isArray()) {
            return "Railway answered without a deployments list";
        }
        return error;
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
}
