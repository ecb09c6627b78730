package io.firebreak.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.json.Json;

/**
 * jsonb in and out of the ops database, written and read by the application's own ObjectMapper.
 * Decimals stay BigDecimal both ways: a plan's before-images (numeric(20,6) and wider) must come
 * back exactly as they were read, for the approver and for undo.
 */
@ApplicationScoped
public class OpsJson {

    @Inject
    ObjectMapper mapper;

    static final TypeReference<java.util.Map<String, Object>> MAP = new TypeReference<>() {
    };
    static final TypeReference<java.util.List<Object>> LIST = new TypeReference<>() {
    };

    /** Converts trees to maps and lists keeping decimals as BigDecimal (the default would make them doubles). */
    private final ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** A value as a jsonb parameter (a Vert.x JSON value), or null. */
    public Object jsonb(Object value) {
        if (value == null) {
            return null;
        }
        JsonNode tree = value instanceof JsonNode node ? node : mapper.valueToTree(value);
        if (tree.isObject()) {
            return new io.vertx.core.json.JsonObject(exact.convertValue(tree, MAP));
        }
        if (tree.isArray()) {
            return new io.vertx.core.json.JsonArray(exact.convertValue(tree, LIST));
        }
        // A scalar: Vert.x's own decoding of its text (numbers as JSON numbers).
        return Json.decodeValue(text(tree));
    }

    /** A value as JSON text, for a parameter the statement casts ($n::text::jsonb); null stays null. */
    public String text(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a jsonb value", e);
        }
    }

    /** A jsonb column read as text (select it with ::text), as a tree; null stays null. */
    public JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a jsonb column is not JSON", e);
        }
    }
}
