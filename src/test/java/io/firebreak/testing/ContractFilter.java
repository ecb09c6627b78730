package io.firebreak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * A WireMock fake that holds firebreak to a provider's published contract
 * (src/test/resources/contracts/&lt;provider&gt;/*.json, each citing the specification it was written
 * from): a request to an endpoint the contract does not list, without the required headers, with
 * a query or body outside its schema, or over its documented rate limit, is answered as the
 * provider answers it — never by a stub. Every refusal is also kept, so a test can assert that
 * firebreak sent nothing the provider would have refused.
 */
public final class ContractFilter implements StubRequestFilterV2 {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /** One endpoint's contract, compiled. */
    private record Contract(String name, String method, Pattern path, Map<String, Pattern> headers, JsonSchema query,
            JsonSchema body, JsonNode invalid, JsonNode unauthorized, JsonNode rateLimit) {
    }

    /** A token bucket per endpoint (or per the field the limit counts by): the documented rate and burst (default: the rate). */
    private static final class Bucket {
        final double capacity;
        final double perNano;
        double tokens;
        long at = System.nanoTime();

        Bucket(double capacity, double perNano) {
            this.capacity = capacity;
            this.perNano = perNano;
            this.tokens = capacity;
        }

        synchronized boolean take() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - at) * perNano);
            at = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final String provider;
    private final List<Contract> contracts = new ArrayList<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private volatile boolean rateLimits = true;

    /** The contracts of one provider, by file name (e.g. "supabase", "api-keys-create", ...). */
    public ContractFilter(String provider, String... names) {
        this.provider = provider;
        for (String name : names) {
            JsonNode c = read("contracts/" + provider + "/" + name + ".json");
            Map<String, Pattern> headers = new java.util.LinkedHashMap<>();
            c.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), Pattern.compile(h.getValue().asText())));
            contracts.add(new Contract(name, c.path("method").asText(), Pattern.compile(c.path("path").asText()), headers,
                    c.has("query") ? SCHEMAS.getSchema(c.get("query")) : null,
                    c.has("body") ? SCHEMAS.getSchema(c.get("body")) : null, c.path("invalid"), c.path("unauthorized"),
                    c.path("rateLimit")));
        }
    }

    @Override
    public String getName() {
        return "contract-" + provider;
    }

    /** What the fake refused so far: each a line naming the endpoint and why. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    public void reset() {
        refusals.clear();
        buckets.clear();
    }

    /** Rate limits off: for a test that drives a provider harder than any pacing on purpose. */
    public void rateLimits(boolean on) {
        rateLimits = on;
    }

    @Override
    public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
        String url = request.getUrl();
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String method = request.getMethod().getName();
        Contract c = contracts.stream().filter(k -> k.method().equals(method) && k.path().matcher(path).matches())
                .findFirst().orElse(null);
        if (c == null) {
            return refuse(null, method + " " + path + " is not an endpoint of " + provider + "'s contract",
                    JSON.createObjectNode().put("status", 404).set("body", JSON.createObjectNode().put("message", "Not Found")));
        }
        for (Map.Entry<String, Pattern> h : c.headers().entrySet()) {
            String value = request.getHeader(h.getKey());
            if (value == null || !h.getValue().matcher(value).matches()) {
                boolean auth = h.getKey().equalsIgnoreCase("Authorization");
                return refuse(c, "header " + h.getKey() + (value == null ? " is missing" : " does not match " + h.getValue()),
                        auth && !c.unauthorized().isMissingNode() ? c.unauthorized() : c.invalid());
            }
        }
        if (c.query() != null) {
            Set<ValidationMessage> wrong = c.query().validate(query(url));
            if (!wrong.isEmpty()) {
                return refuse(c, "query: " + wrong.iterator().next().getMessage(), c.invalid());
            }
        }
        if (c.body() != null) {
            JsonNode body;
            try {
                body = JSON.readTree(request.getBodyAsString());
            } catch (IOException | RuntimeException e) {
                return refuse(c, "body is not JSON", c.invalid());
            }
            Set<ValidationMessage> wrong = c.body().validate(body == null ? JSON.nullNode() : body);
            if (!wrong.isEmpty()) {
                return refuse(c, "body: " + wrong.iterator().next().getMessage(), c.invalid());
            }
        }
        JsonNode limit = c.rateLimit();
        if (rateLimits && !limit.isMissingNode()) {
            double rate = limit.path("requests").asDouble() / limit.path("perSeconds").asDouble(1);
            double burst = limit.path("burst").asDouble(limit.path("requests").asDouble());
            Bucket bucket = buckets.computeIfAbsent(c.name() + scope(limit, request),
                    k -> new Bucket(burst, rate / 1_000_000_000d));
            if (!bucket.take()) {
                return refuse(c, "over the documented rate limit (" + limit.path("requests").asText() + " per "
                        + limit.path("perSeconds").asText() + " s)", limit);
            }
        }
        return RequestFilterAction.continueWith(request);
    }

    // A limit counted per something (Slack: per channel) names the body field that tells them apart.
    private static String scope(JsonNode limit, Request request) {
        String field = limit.path("per").asText("");
        if (field.isEmpty()) {
            return "";
        }
        try {
            return ":" + JSON.readTree(request.getBodyAsString()).path(field).asText();
        } catch (IOException | RuntimeException e) {
            return ":";
        }
    }

    private RequestFilterAction refuse(Contract c, String why, JsonNode answer) {
        refusals.add((c == null ? provider : provider + "/" + c.name()) + ": " + why);
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(answer.path("status").asInt(400)).withHeader("Content-Type", "application/json");
        answer.path("headers").fields().forEachRemaining(h -> response.withHeader(h.getKey(), h.getValue().asText()));
        JsonNode body = answer.path("body");
        if (body instanceof ObjectNode o && o.has("message") && o.get("message").asText().startsWith("<")) {
            o = o.deepCopy();
            o.put("message", why);
            body = o;
        }
        return RequestFilterAction.stopWith(response.withBody(body.toString()).build());
    }

    static ObjectNode query(String url) {
        ObjectNode q = JSON.createObjectNode();
        if (!url.contains("?")) {
            return q;
        }
        for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            q.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return q;
    }

    static JsonNode read(String resource) {
        try (InputStream in = ContractFilter.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no contract " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
