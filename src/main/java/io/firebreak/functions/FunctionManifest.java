package io.firebreak.functions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * functions.yaml, read from the classpath: the single source of truth for every function's id,
 * role, timeout and triggers. The service enforces roles from it, so code cannot drift from it.
 */
public final class FunctionManifest {

    public static final String RESOURCE = "functions.yaml";

    /** One manifest entry. */
    public record Function(String id, String description, Role role, int timeoutSeconds, int memoryMb,
            List<String> httpMethods, boolean queryToken, Optional<Schedule> schedule) {
    }

    /**
     * A schedule trigger: the stable job name; its default in-process cron (Quartz syntax,
     * overridable by cronProperty); and the same schedule as an EventBridge expression for Lambda.
     */
    public record Schedule(String name, String cron, String cronProperty, String expression) {
    }

    private final Map<String, Function> functions;

    private FunctionManifest(Map<String, Function> functions) {
        this.functions = functions;
    }

    public static FunctionManifest load() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FunctionManifest parse(InputStream yaml) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        Map<String, Function> functions = new LinkedHashMap<>();
        for (JsonNode f : root.path("functions")) {
            String id = required(f, "id");
            JsonNode triggers = f.path("triggers");
            List<String> methods = new ArrayList<>();
            triggers.path("http").path("methods").forEach(m -> methods.add(m.asText()));
            Optional<Schedule> schedule = Optional.empty();
            JsonNode s = triggers.path("schedule");
            if (!s.isMissingNode()) {
                schedule = Optional.of(new Schedule(required(s, "name"), required(s, "cron"), required(s, "cronProperty"),
                        required(s, "expression")));
            }
            Function function = new Function(id, required(f, "description"), Role.parse(required(f, "role")),
                    f.path("timeoutSeconds").asInt(0), f.path("memoryMb").asInt(0), List.copyOf(methods), f.path("queryToken").asBoolean(false),
                    schedule);
            if (function.timeoutSeconds() <= 0 || function.memoryMb() < 128) {
                throw new IllegalStateException(RESOURCE + ": " + id + " needs a positive timeoutSeconds and memoryMb >= 128");
            }
            if (functions.put(id, function) != null) {
                throw new IllegalStateException(RESOURCE + ": duplicate function id " + id);
            }
        }
        return new FunctionManifest(Map.copyOf(functions));
    }

    public Optional<Function> find(String id) {
        return Optional.ofNullable(functions.get(id));
    }

    public Map<String, Function> all() {
        return functions;
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.asText().isBlank()) {
            throw new IllegalStateException(RESOURCE + ": missing '" + field + "' in " + node);
        }
        return value.asText();
    }
}
