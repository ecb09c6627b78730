package io.firebreak.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * infra/template.yaml, resolved as CloudFormation would for given parameters: a function's handler,
 * runtime, timeout, memory and environment (Globals merged under its own properties), and the inputs
 * of its schedules. Dynamic references ({{resolve:secretsmanager:...}}) resolve to nothing: they are
 * the deployment's secrets, which a test supplies itself.
 */
final class SamTemplate {

    /** One AWS::Serverless::Function, resolved. */
    record Function(String logicalId, String runtime, String handler, int timeoutSeconds, int memoryMb,
            Map<String, String> environment, List<String> scheduleInputs) {
    }

    private final JsonNode template;
    private final Map<String, String> parameters = new HashMap<>();

    private SamTemplate(JsonNode template, Map<String, String> overrides) {
        this.template = template;
        template.path("Parameters").fields().forEachRemaining(p -> {
            if (p.getValue().has("Default")) {
                parameters.put(p.getKey(), p.getValue().get("Default").asText());
            }
        });
        parameters.putAll(overrides);
    }

    static SamTemplate load(Path path, Map<String, String> parameterOverrides) {
        try {
            return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(path.toFile()), parameterOverrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The function that exports {@code export} (QUARKUS_FUNQY_EXPORT). */
    Function function(String export) {
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> r = it.next();
            JsonNode props = r.getValue().path("Properties");
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")
                    && export.equals(props.path("Environment").path("Variables").path("QUARKUS_FUNQY_EXPORT").asText())) {
                return function(r.getKey(), props);
            }
        }
        throw new IllegalArgumentException("no function exports " + export + " in the template");
    }

    private Function function(String logicalId, JsonNode props) {
        JsonNode globals = template.path("Globals").path("Function");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode vars : List.of(globals.path("Environment").path("Variables"), props.path("Environment").path("Variables"))) {
            vars.fields().forEachRemaining(v -> value(v.getValue()).ifPresentOrElse(s -> env.put(v.getKey(), s),
                    () -> env.remove(v.getKey())));
        }
        List<String> schedules = new ArrayList<>();
        props.path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("ScheduleV2")) {
                schedules.add(value(e.path("Properties").path("Input")).orElseThrow());
            }
        });
        return new Function(logicalId, property(props, globals, "Runtime"), property(props, globals, "Handler"),
                Integer.parseInt(property(props, globals, "Timeout")), Integer.parseInt(property(props, globals, "MemorySize")),
                env, schedules);
    }

    private String property(JsonNode props, JsonNode globals, String name) {
        JsonNode node = props.has(name) ? props.get(name) : globals.path(name);
        return value(node).orElseThrow(() -> new IllegalStateException(name + " does not resolve: " + node));
    }

    /** A property value: a scalar, Ref, Fn::If over a condition, Fn::Select over a list, Fn::Sub; empty for AWS::NoValue and dynamic references. */
    Optional<String> value(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isValueNode()) {
            return Optional.of(node.asText());
        }
        if (node.has("Ref")) {
            String ref = node.get("Ref").asText();
            if (ref.equals("AWS::NoValue")) {
                return Optional.empty();
            }
            return Optional.of(Optional.ofNullable(parameters.get(ref))
                    .orElseThrow(() -> new IllegalStateException("no value for Ref " + ref)));
        }
        if (node.has("Fn::If")) {
            JsonNode args = node.get("Fn::If");
            return value(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
        }
        if (node.has("Fn::Select")) {
            // Over a CommaDelimitedList parameter (its value as CloudFormation takes it: comma-separated).
            JsonNode args = node.get("Fn::Select");
            String[] items = value(args.get(1)).orElseThrow().split(",", -1);
            return Optional.of(items[args.get(0).asInt()].strip());
        }
        if (node.has("Fn::Sub")) {
            String text = node.get("Fn::Sub").asText();
            if (text.contains("{{resolve:")) {
                return Optional.empty();
            }
            for (var p : parameters.entrySet()) {
                text = text.replace("${" + p.getKey() + "}", p.getValue());
            }
            return Optional.of(text);
        }
        throw new IllegalStateException("unsupported intrinsic " + node);
    }

    private boolean condition(String name) {
        JsonNode equals = template.path("Conditions").path(name).path("Fn::Equals");
        if (!equals.isArray() || equals.size() != 2) {
            throw new IllegalStateException("unsupported condition " + name);
        }
        return value(equals.get(0)).equals(value(equals.get(1)));
    }
}
