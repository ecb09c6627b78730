package io.firebreak.platform;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.runtime.configuration.MemorySize;

import io.firebreak.platform.ApiTokens.Caller;
import io.firebreak.providers.ProviderSignatures;

/**
 * Who may call what, with which input: the one admission every binding applies before a function
 * runs. It authenticates the token, enforces the manifest's role and methods, turns monitors'
 * form and query-string webhooks into JSON, and parses the input strictly so a refusal names the
 * field at fault. A refused call never reaches a function.
 */
@ApplicationScoped
public class FunctionAdmission {

    private static final Logger LOG = Logger.getLogger(FunctionAdmission.class);

    /** What admission let through: the function, its caller, and the input as the function will read it. */
    public record Admitted(FunctionManifest.Function function, Caller caller, String json, Object input) {
    }

    @ConfigProperty(name = "firebreak.api-keys", defaultValue = "")
    String apiKeys;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "64K")
    MemorySize maxBody;

    @Inject
    ObjectMapper mapper;

    @Inject
    ProviderSignatures signatures;

    private FunctionManifest manifest;
    private ApiTokens tokens;
    /** Reads one JSON value and refuses anything after it ({@code {} {}}). */
    private ObjectReader strictTrees;
    private final Map<String, ObjectReader> readers = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        manifest = FunctionManifest.load();
        strictTrees = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        tokens = ApiTokens.parse(apiKeys);
        if (tokens.isEmpty()) {
            LOG.warn("FIREBREAK_API_KEYS is empty: every function call will be refused with 401");
        }
    }

    public FunctionManifest manifest() {
        return manifest;
    }

    public long maxBodyBytes() {
        return maxBody.asLongValue();
    }

    public Admitted admit(FunctionCall call) {
        FunctionManifest.Function f = manifest.find(call.functionId()).orElseThrow(
                () -> new FunctionError(404, "unknown_function", "no function " + call.functionId(), null));
        if (f.role() == Role.PROVIDER) {
            return admitSigned(call, f);
        }
        Caller caller = tokens.authenticate(token(call, f)).orElseThrow(() -> new FunctionError(401, "unauthenticated",
                "a valid API token is required (Authorization: Bearer <token>)", null));
        if (!caller.role().permits(f.role())) {
            throw new FunctionError(403, "forbidden",
                    "role " + caller.role().id() + " may not call " + f.id() + " (needs " + f.role().id() + ")", null);
        }
        String method = call.method().toUpperCase(Locale.ROOT);
        if (!f.httpMethods().contains(method)) {
            throw new FunctionError(405, "method_not_allowed", f.id() + " accepts " + String.join(", ", f.httpMethods()),
                    null);
        }
        if (call.hasBody() && call.body().length > maxBodyBytes()) {
            throw FunctionError.badInput("body_too_large", null, "the body is larger than " + maxBodyBytes() + " bytes");
        }
        if (call.idempotencyKey() != null) {
            InputText.idempotencyKey(call.idempotencyKey());
        }
        return admitted(f, caller, json(call, f, method), call.idempotencyKey(), false);
    }

    /**
     * The input checked once for every function: one JSON object and nothing after it, no control
     * characters in text (tab and newlines only in free-text fields), no null list elements; then
     * the actor written in and the input bound strictly. A function without input takes none.
     */
    private Admitted admitted(FunctionManifest.Function f, Caller caller, String raw, String idempotencyKey,
            boolean provider) {
        FunctionInvoker invoker = FunctionRecorder.registry.matchInvoker(f.id());
        if (invoker == null || !invoker.hasInput()) {
            if (raw != null && !raw.isBlank() && !raw.strip().equals("{}")) {
                throw FunctionError.badInput("unexpected_input", null, f.id() + " takes no input");
            }
            return new Admitted(f, caller, null, null);
        }
        ObjectNode tree = raw == null || raw.isBlank() ? null : object(raw);
        if (tree != null) {
            InputText.check(tree, provider);
        }
        tree = withActor(invoker, tree, caller, idempotencyKey);
        return new Admitted(f, caller, tree == null ? null : tree.toString(), tree == null ? null : bind(f.id(), invoker, tree));
    }

    /** The text as exactly one JSON object. */
    private ObjectNode object(String raw) {
        JsonNode tree;
        try {
            tree = strictTrees.readTree(raw);
        } catch (JsonProcessingException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Trailing token")) {
                throw FunctionError.badInput("malformed_json", null, "the body holds more than one JSON value");
            }
            throw describe(e);
        }
        if (tree == null || tree.isMissingNode()) {
            return null;
        }
        if (!(tree instanceof ObjectNode o)) {
            throw FunctionError.badInput("invalid_type", null, "the body must be a JSON object");
        }
        return o;
    }

    /**
     * A provider's webhook: the signature over the raw body is the credential; the verified
     * provider becomes the actor ("webhook:paystack"), written into the input like any actor.
     */
    private Admitted admitSigned(FunctionCall call, FunctionManifest.Function f) {
        if (!f.httpMethods().contains(call.method().toUpperCase(Locale.ROOT))) {
            throw new FunctionError(405, "method_not_allowed", f.id() + " accepts " + String.join(", ", f.httpMethods()),
                    null);
        }
        if (call.hasBody() && call.body().length > maxBodyBytes()) {
            throw FunctionError.badInput("body_too_large", null, "the body is larger than " + maxBodyBytes() + " bytes");
        }
        ProviderSignatures.Verdict signed = signatures.verify(call.headers(), call.body());
        if (!signed.signed() && signed.refusal().equals("unsigned")) {
            throw new FunctionError(401, "unsigned",
                    "a provider webhook must carry x-paystack-signature, verif-hash or flutterwave-signature", null);
        }
        if (!signed.signed()) {
            throw new FunctionError(401, "bad_signature", "the webhook signature does not match", null);
        }
        Caller caller = new Caller(Role.PROVIDER, "webhook:" + signed.provider());
        return admitted(f, caller, call.hasBody() ? new String(call.body(), StandardCharsets.UTF_8) : null, null, true);
    }

    /**
     * Bearer header always; where the manifest allows it (monitors that cannot send one), basic auth's
     * password (Alertmanager) or the query string (UptimeRobot's free plan).
     */
    private static String token(FunctionCall call, FunctionManifest.Function f) {
        String header = call.authorization();
        if (header != null && header.length() > InputText.MAX_AUTHORIZATION) {
            throw FunctionError.badInput("header_too_large", "Authorization",
                    "the Authorization header is longer than " + InputText.MAX_AUTHORIZATION + " characters");
        }
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        // Alertmanager's http_config.basic_auth: the password is the token (any user name).
        if (f.queryToken() && header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(java.util.Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                return pair.contains(":") ? pair.substring(pair.indexOf(':') + 1) : null;
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        return f.queryToken() ? call.query().get("token") : null;
    }

    /**
     * The input as JSON text (null when there is none). GET takes the query string; monitors send
     * the same alert as JSON, form fields or query string, and the latter two become a JSON object
     * of strings. The token never joins the input.
     */
    private String json(FunctionCall call, FunctionManifest.Function f, String method) {
        String body = call.hasBody() ? new String(call.body(), StandardCharsets.UTF_8) : null;
        Map<String, String> fields = null;
        if (method.equals("GET")) {
            fields = call.query();
        } else if (f.queryToken() && body != null && isForm(call.contentType())) {
            fields = FunctionCall.firstValues(new QueryStringDecoder(body, false).parameters());
        } else if (f.queryToken() && body == null) {
            fields = call.query();
        }
        if (fields == null) {
            return body;
        }
        ObjectNode node = mapper.createObjectNode();
        fields.forEach((k, v) -> {
            if (!k.equals("token")) {
                node.put(k, v);
            }
        });
        return node.isEmpty() ? null : node.toString();
    }

    /**
     * Functions that change something take an {@link ActorInput}: admission writes the actor (from
     * the token) and the Idempotency-Key header into it, and refuses an actor the caller made up.
     */
    private ObjectNode withActor(FunctionInvoker invoker, ObjectNode tree, Caller caller, String idempotencyKey) {
        if (!(invoker.getInputType() instanceof Class<?> type) || !ActorInput.class.isAssignableFrom(type)) {
            return tree;
        }
        ObjectNode node = tree == null ? mapper.createObjectNode() : tree;
        if (node.has("actor")) {
            throw FunctionError.badInput("reserved_field", "actor", "actor is set from the API token, not the input");
        }
        ObjectNode actor = node.putObject("actor").put("tokenId", caller.tokenId()).put("role", caller.role().id());
        if (caller.name() != null) {
            actor.put("name", caller.name());
        }
        if (node.hasNonNull("idempotencyKey")) {
            InputText.idempotencyKey(node.get("idempotencyKey").asText());
        }
        // The header was checked at admission, before the body was read.
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            if (node.hasNonNull("idempotencyKey") && !node.get("idempotencyKey").asText().equals(idempotencyKey)) {
                throw FunctionError.badInput("conflicting_idempotency_key", "idempotencyKey",
                        "the Idempotency-Key header and the idempotencyKey field differ");
            }
            node.put("idempotencyKey", idempotencyKey);
        }
        return node;
    }

    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /**
     * Binds like Funqy (case-insensitive property names) but strictly: unknown fields are refused,
     * except where an input type says providers may add fields.
     */
    private Object bind(String id, FunctionInvoker invoker, ObjectNode tree) {
        ObjectReader reader = readers.computeIfAbsent(id, k -> strict(invoker.getInputType()));
        try {
            return reader.readValue(tree);
        } catch (java.io.IOException e) {
            throw e instanceof JsonProcessingException j ? describe(j)
                    : FunctionError.badInput("malformed_json", null, "the body is not valid JSON");
        }
    }

    @SuppressWarnings("deprecation")
    private ObjectReader strict(Type type) {
        ObjectMapper strict = mapper.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        strict.configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true);
        return strict.readerFor(strict.constructType(type));
    }

    static FunctionError describe(JsonProcessingException e) {
        String field = null;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            field = path.toString();
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return FunctionError.badInput("unknown_field", field,
                    "unknown field '" + u.getPropertyName() + "'; known fields: " + u.getKnownPropertyIds());
        }
        if (e instanceof InvalidFormatException f) {
            return FunctionError.badInput("invalid_type", field, "'" + f.getValue() + "' is not a valid "
                    + f.getTargetType().getSimpleName() + " for " + field);
        }
        if (e instanceof MismatchedInputException m) {
            String target = m.getTargetType() == null ? "value" : m.getTargetType().getSimpleName();
            return FunctionError.badInput("invalid_type", field,
                    field == null ? "the body must be a JSON object" : field + " must be " + article(target));
        }
        return FunctionError.badInput("malformed_json", null, "the body is not valid JSON");
    }

    private static String article(String type) {
        return switch (type) {
            case "Integer", "Long", "int", "long" -> "an integer";
            case "Boolean", "boolean" -> "true or false";
            case "String" -> "a string";
            default -> "a " + type;
        };
    }

    public Optional<FunctionManifest.Function> find(String id) {
        return manifest.find(id);
    }
}
