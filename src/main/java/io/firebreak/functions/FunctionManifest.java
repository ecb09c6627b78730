package io.firebreak.functions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.firebreak.domain.CheckGuard;
import io.firebreak.domain.DeclaredCheck;
import io.firebreak.domain.DeclaredRequeue;
import io.firebreak.domain.Identifiers;

/**
 * functions.yaml, read from the classpath: the single source of truth for every function's id,
 * role, timeout and triggers. The service enforces roles from it, so code cannot drift from it.
 */
public final class FunctionManifest {

    public static final String RESOURCE = "functions.yaml";

    /**
     * One manifest entry. {@code changes} says what it may change besides the evidence it records:
     * {@code target} (the application's database), {@code providers} (keys, settlements, messages
     * at a provider), {@code incidents} (the incident record), {@code schema} (the ops schema).
     */
    public record Function(String id, String description, Role role, int timeoutSeconds, int memoryMb,
            List<String> httpMethods, boolean queryToken, Optional<Schedule> schedule, List<String> changes) {

        /** Whether it changes the target or a provider: then every change goes through PlannedActions.audited. */
        public boolean changesTheWorld() {
            return changes.contains("target") || changes.contains("providers");
        }
    }

    static final List<String> CHANGES = List.of("target", "providers", "incidents", "schema");

    /**
     * A schedule trigger: the stable job name; its default in-process cron (Quartz syntax,
     * overridable by cronProperty); and the same schedule as an EventBridge expression for Lambda.
     */
    public record Schedule(String name, String cron, String cronProperty, String expression) {
    }

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final Map<String, Function> functions;
    private final Map<String, DeclaredCheck> checks;
    private final Map<String, DeclaredRequeue> requeues;

    private FunctionManifest(Map<String, Function> functions, Map<String, DeclaredCheck> checks,
            Map<String, DeclaredRequeue> requeues) {
        this.functions = functions;
        this.checks = checks;
        this.requeues = requeues;
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
            List<String> changes = new ArrayList<>();
            f.path("changes").forEach(c -> changes.add(c.asText()));
            if (!CHANGES.containsAll(changes)) {
                throw new IllegalStateException(RESOURCE + ": " + id + ": changes are among " + CHANGES);
            }
            Function function = new Function(id, required(f, "description"), Role.parse(required(f, "role")),
                    f.path("timeoutSeconds").asInt(0), f.path("memoryMb").asInt(0), List.copyOf(methods), f.path("queryToken").asBoolean(false),
                    schedule, List.copyOf(changes));
            if (function.timeoutSeconds() <= 0 || function.memoryMb() < 128) {
                throw new IllegalStateException(RESOURCE + ": " + id + " needs a positive timeoutSeconds and memoryMb >= 128");
            }
            if (functions.put(id, function) != null) {
                throw new IllegalStateException(RESOURCE + ": duplicate function id " + id);
            }
        }
        Map<String, DeclaredCheck> checks = new LinkedHashMap<>();
        for (JsonNode c : root.path("checks")) {
            DeclaredCheck check = check(c);
            if (checks.put(check.name(), check) != null) {
                throw new IllegalStateException(RESOURCE + ": duplicate check " + check.name());
            }
        }
        Map<String, DeclaredRequeue> requeues = new LinkedHashMap<>();
        for (JsonNode r : root.path("requeues")) {
            DeclaredRequeue requeue = requeue(r);
            if (requeues.put(requeue.name(), requeue) != null) {
                throw new IllegalStateException(RESOURCE + ": duplicate requeue " + requeue.name());
            }
        }
        return new FunctionManifest(Map.copyOf(functions), Collections.unmodifiableMap(checks),
                Collections.unmodifiableMap(requeues));
    }

    /** A declared check, refused at load when its SQL could write or act on the server. */
    static DeclaredCheck check(JsonNode c) {
        String name = name(c, "check");
        String sql = required(c, "sql");
        CheckGuard.refusal(sql).ifPresent(why -> {
            throw new IllegalStateException(RESOURCE + ": check " + name + " is refused: " + why);
        });
        String measure = c.path("measure").asText("rows");
        if (!measure.equals("rows") && !measure.equals("value")) {
            throw new IllegalStateException(RESOURCE + ": check " + name + ": measure is rows or value");
        }
        if (!c.path("threshold").isNumber()) {
            throw new IllegalStateException(RESOURCE + ": check " + name + " needs a numeric threshold");
        }
        return new DeclaredCheck(name, required(c, "description"), sql.strip(),
                DeclaredCheck.Measure.valueOf(measure.toUpperCase(java.util.Locale.ROOT)), c.path("threshold").asDouble(),
                required(c, "severity"), c.path("schedule").asBoolean(true));
    }

    /** A declared requeue: names checked here by shape, against the target's catalog when it runs. */
    static DeclaredRequeue requeue(JsonNode r) {
        String name = name(r, "requeue");
        String[] table = required(r, "table").split("\\.", -1);
        String schema = table.length == 2 ? table[0] : "public";
        String relation = table[table.length - 1];
        String id = required(r, "idColumn");
        String status = required(r, "statusColumn");
        Map<String, Object> reset = new LinkedHashMap<>();
        r.path("reset").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (!(v.isNull() || v.isNumber() || v.isBoolean() || v.isTextual())) {
                throw new IllegalStateException(RESOURCE + ": requeue " + name + ": reset " + e.getKey()
                        + " is a number, boolean, text, null or \"now()\"");
            }
            reset.put(e.getKey(), v.isNull() ? null : v.isNumber() ? v.numberValue() : v.isBoolean() ? v.asBoolean() : v.asText());
        });
        java.util.List<String> identifiers = new ArrayList<>(java.util.List.of(schema, relation, id, status));
        identifiers.addAll(reset.keySet());
        if (table.length > 2 || !identifiers.stream().allMatch(i -> Identifiers.NAME.matcher(i).matches())) {
            throw new IllegalStateException(RESOURCE + ": requeue " + name
                    + ": table and columns are plain identifiers (letters, digits, _)");
        }
        if (reset.containsKey(id) || reset.containsKey(status)) {
            throw new IllegalStateException(RESOURCE + ": requeue " + name + ": reset cannot change the id or status column");
        }
        String from = required(r, "from");
        String to = required(r, "to");
        int max = r.path("maxRows").asInt(0);
        if (from.equals(to) || max < 1 || max > 50_000) {
            throw new IllegalStateException(RESOURCE + ": requeue " + name + ": from and to differ, maxRows is 1 to 50000");
        }
        return new DeclaredRequeue(name, required(r, "description"), schema, relation, id, status, from, to,
                Collections.unmodifiableMap(reset), max);
    }

    private static String name(JsonNode node, String what) {
        String name = required(node, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException(RESOURCE + ": " + what + " name " + name + " is lower-case letters, digits and -");
        }
        return name;
    }

    public Map<String, DeclaredCheck> checks() {
        return checks;
    }

    public Map<String, DeclaredRequeue> requeues() {
        return requeues;
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
