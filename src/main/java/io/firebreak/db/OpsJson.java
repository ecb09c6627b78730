package io.firebreak.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.json.Json;

/** jsonb in and out of the ops database, written and read by the application's own ObjectMapper. */
@ApplicationScoped
public class OpsJson {

    @Inject
    ObjectMapper mapper;

    /** A value as a jsonb parameter (a Vert.x JSON value), or null. */
    public Object jsonb(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.decodeValue(mapper.writeValueAsString(value));
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
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a jsonb column is not JSON", e);
        }
    }
}
