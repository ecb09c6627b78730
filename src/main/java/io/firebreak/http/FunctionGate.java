package io.firebreak.http;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.firebreak.functions.ApiTokens;
import io.firebreak.functions.ApiTokens.Caller;
import io.firebreak.functions.FunctionError;
import io.firebreak.functions.FunctionManifest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Stands in front of Funqy's HTTP binding: authenticates the token, enforces the manifest's role
 * and methods, refuses bad input with the one error shape before a function sees it, and renders
 * every failure as JSON without stack traces.
 */
@ApplicationScoped
public class FunctionGate {

    private static final Logger LOG = Logger.getLogger(FunctionGate.class);

    /** After Quarkus reads the body, before Funqy dispatches. */
    static final int ORDER = -100;

    @ConfigProperty(name = "firebreak.api-keys", defaultValue = "")
    String apiKeys;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    io.quarkus.runtime.configuration.MemorySize maxBody;

    private FunctionManifest manifest;
    private ApiTokens tokens;

    void routes(@Observes Router router) {
        manifest = FunctionManifest.load();
        tokens = ApiTokens.parse(apiKeys);
        if (tokens.isEmpty()) {
            LOG.warn("FIREBREAK_API_KEYS is empty: every function call will be refused with 401");
        }
        router.route().order(ORDER).handler(this::gate).failureHandler(this::failure);
    }

    void gate(RoutingContext ctx) {
        String id = ctx.request().path().substring(1);
        Optional<FunctionManifest.Function> function = manifest.find(id);
        if (function.isEmpty()) {
            if (ctx.request().path().startsWith("/q/")) {
                ctx.next(); // Quarkus' own endpoints: health
            } else {
                ErrorBody.send(ctx, 404, "unknown_function", "no function at " + ctx.request().path(), null);
            }
            return;
        }
        FunctionManifest.Function f = function.get();
        Optional<Caller> caller = tokens.authenticate(token(ctx, f));
        if (caller.isEmpty()) {
            ErrorBody.send(ctx, 401, "unauthenticated",
                    "a valid API token is required (Authorization: Bearer <token>)", null);
            return;
        }
        if (!caller.get().role().permits(f.role())) {
            ErrorBody.send(ctx, 403, "forbidden",
                    "role " + caller.get().role().id() + " may not call " + id + " (needs " + f.role().id() + ")", null);
            return;
        }
        if (!f.httpMethods().contains(ctx.request().method().name())) {
            ctx.response().putHeader("Allow", String.join(", ", f.httpMethods()));
            ErrorBody.send(ctx, 405, "method_not_allowed", id + " accepts " + String.join(", ", f.httpMethods()), null);
            return;
        }
        ctx.put(CallerContext.KEY, caller.get());
        try {
            if (f.queryToken()) {
                normaliseWebhook(ctx);
            }
            validate(ctx, id);
        } catch (FunctionError e) {
            ErrorBody.send(ctx, e.status(), e.code(), e.getMessage(), e.field());
            return;
        }
        ctx.next();
    }

    /** Bearer header always; the query string only where the manifest allows it (UptimeRobot's free plan). */
    private static String token(RoutingContext ctx, FunctionManifest.Function f) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return f.queryToken() ? ctx.request().getParam("token") : null;
    }

    /**
     * Monitors send the same alert as JSON, as form fields or in the query string; the function
     * takes JSON, so the other two become a JSON object of strings. The token never joins it.
     */
    private static void normaliseWebhook(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        boolean empty = body == null || body.length() == 0;
        String type = ctx.request().getHeader("Content-Type");
        Map<String, java.util.List<String>> fields;
        if (!empty && type != null && type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            fields = new QueryStringDecoder(body.toString(), false).parameters();
        } else if (empty) {
            fields = new QueryStringDecoder(ctx.request().uri()).parameters();
        } else {
            return;
        }
        JsonObject json = new JsonObject();
        fields.forEach((k, v) -> {
            if (!k.equals("token") && !v.isEmpty()) {
                json.put(k, v.get(0));
            }
        });
        if (!json.isEmpty()) {
            ctx.setBody(json.toBuffer());
        }
    }

    /**
     * Parses the input exactly as Funqy will, but strictly (unknown fields refused, except where an
     * input type says providers may add fields), so the caller learns which field is wrong.
     */
    private static void validate(RoutingContext ctx, String id) {
        FunctionInvoker invoker = FunctionRecorder.registry.matchInvoker(id);
        if (invoker == null || !invoker.hasInput()) {
            return;
        }
        ObjectReader reader = ((ObjectReader) invoker.getBindingContext().get(ObjectReader.class.getName()))
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        String json;
        if (ctx.request().method() == HttpMethod.GET) {
            JsonObject query = new JsonObject();
            ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
            json = query.encode();
        } else {
            Buffer body = ctx.body().buffer();
            if (body == null || body.length() == 0) {
                return;
            }
            json = body.toString();
        }
        try {
            reader.readValue(json);
        } catch (JsonProcessingException e) {
            throw describe(e);
        }
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

    /** Every failure leaves as JSON; unexpected ones are logged with a reference the caller can quote. */
    void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        // Funqy wraps what a function throws; the refusal inside is what the caller must see.
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FunctionError) {
                failure = t;
                break;
            }
        }
        if (failure instanceof FunctionError e) {
            ErrorBody.send(ctx, e.status(), e.code(), e.getMessage(), e.field());
            return;
        }
        int status = ctx.statusCode();
        if (failure == null) {
            switch (status) {
                case 400 -> ErrorBody.send(ctx, 400, "malformed_json", "the input could not be read", null);
                case 404 -> ErrorBody.send(ctx, 404, "unknown_function", "no function at " + ctx.request().path(), null);
                case 405 -> ErrorBody.send(ctx, 405, "method_not_allowed", "use GET or POST", null);
                case 413 -> ErrorBody.send(ctx, 400, "body_too_large",
                        "the body is larger than " + maxBody.asLongValue() + " bytes", null);
                default -> {
                    if (status >= 400 && status < 500) {
                        ErrorBody.send(ctx, status, "bad_request", "the request was refused", null);
                    } else {
                        ctx.next();
                    }
                }
            }
            return;
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(failure, "unexpected failure on %s (reference %s)", ctx.request().path(), reference);
        ErrorBody.send(ctx, 500, "internal_error", "unexpected error; reference " + reference, null);
    }
}
