package io.firebreak.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * functions.yaml, read from the classpath: the single source of truth for every function's id,
 * role, timeout and triggers. The service enforces roles from it, so code cannot drift from it.
 */
public final class FunctionManifest {

    public static final String RESOURCE = "functions.yaml";

    /**
     * One manifest entry. {@code changes} says what it may change besides the evidence it records:
     * {@code target} (the application's database), {@code providers} (keys, settlements, messages
     * at a provider), {@code incidents} (the incident record), {@code schema} (the ops schema),
     * {@code status} (the public status page: maintenances, component overrides, subscribers).
     * {@code publicPath} is a path prefix it also serves to anyone, without a token, read-only
     * (the status page), through {@link PublicSite}.
     */
    public record Function(String id, String description, Role role, int timeoutSeconds, int memoryMb,
            List<String> httpMethods, boolean queryToken, Optional<Schedule> schedule, List<String> changes,
            Optional<ApprovalPolicy> approval, Optional<String> publicPath) {

        /** Whether it changes the target or a provider: then every change goes through one audited apply. */
        public boolean changesTheWorld() {
            return changes.contains("target") || changes.contains("providers");
        }
    }

    static final List<String> CHANGES = List.of("target", "providers", "incidents", "schema", "status");

    static final Pattern PUBLIC_PATH = Pattern.compile("/[a-z][a-z0-9-]{0,30}");

    /**
     * A schedule trigger: the stable job name; its default in-process cron (Quartz syntax,
     * overridable by cronProperty); and the same schedule as an EventBridge expression for Lambda.
     */
    public record Schedule(String name, String cron, String cronProperty, String expression) {
    }

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /**
     * Who must approve an apply before it runs: {@code approvals} distinct approvers, each an admin
     * token or a person holding one of the live incident roles in {@code from} (commander, deputy),
     * or any responder when {@code from} says so; each approval lives {@code ttlMinutes}; the
     * requester may approve their own plan only when {@code selfApproval} is set.
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record ApprovalPolicy(int approvals, List<String> from, int ttlMinutes, boolean selfApproval) {

        public static final List<String> AUTHORITIES = List.of("admin", "commander", "deputy", "responder");

        /** The policy every dangerous change gets unless it declares one: one approval, the commander or an admin. */
        public static final ApprovalPolicy DEFAULT = new ApprovalPolicy(1, List.of("commander", "admin"), 15, false);

        public static ApprovalPolicy parse(String function, JsonNode a) {
            List<String> from = new ArrayList<>();
            a.path("from").forEach(v -> from.add(v.asText()));
            ApprovalPolicy p = new ApprovalPolicy(a.path("approvals").asInt(DEFAULT.approvals()),
                    from.isEmpty() ? DEFAULT.from() : List.copyOf(from), a.path("ttlMinutes").asInt(DEFAULT.ttlMinutes()),
                    a.path("selfApproval").asBoolean(false));
            if (p.approvals() < 1 || p.approvals() > 5 || p.ttlMinutes() < 1 || p.ttlMinutes() > 24 * 60
                    || !AUTHORITIES.containsAll(p.from())) {
                throw new IllegalStateException(RESOURCE + ": " + function + ": approval needs 1 to 5 approvals, ttlMinutes 1 to "
                        + 24 * 60 + " and from among " + AUTHORITIES);
            }
            return p;
        }
    }

    private final Map<String, Function> functions;
    private final JsonNode root;

    private FunctionManifest(Map<String, Function> functions, JsonNode root) {
        this.functions = functions;
        this.root = root;
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
                    schedule, List.copyOf(changes),
                    f.has("approval") ? Optional.of(ApprovalPolicy.parse(id, f.get("approval"))) : Optional.empty(),
                    publicPath(id, triggers.path("http").path("public")));
            if (function.timeoutSeconds() <= 0 || function.memoryMb() < 128) {
                throw new IllegalStateException(RESOURCE + ": " + id + " needs a positive timeoutSeconds and memoryMb >= 128");
            }
            if (functions.put(id, function) != null) {
                throw new IllegalStateException(RESOURCE + ": duplicate function id " + id);
            }
        }
        return new FunctionManifest(Map.copyOf(functions), root);
    }

    private static Optional<String> publicPath(String id, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!PUBLIC_PATH.matcher(node.asText()).matches() || node.asText().equals("/q")) {
            throw new IllegalStateException(RESOURCE + ": " + id + ": triggers.http.public is one path segment, like /status");
        }
        return Optional.of(node.asText());
    }

    /** The function serving a public path prefix, if one does: {@code /status/x} is the status page's. */
    public Optional<Function> publicFunction(String path) {
        for (Function f : functions.values()) {
            if (f.publicPath().isPresent()) {
                String prefix = f.publicPath().get();
                if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    /** A declared entry's name: lower-case letters, digits and -. */
    public static String name(JsonNode node, String what) {
        String name = required(node, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException(RESOURCE + ": " + what + " name " + name + " is lower-case letters, digits and -");
        }
        return name;
    }

    /**
     * A top-level section the platform does not read itself ({@code checks}, {@code requeues}),
     * parsed by the function that owns it: entries by name, in order, a duplicate name refused.
     */
    public <T> Map<String, T> section(String name, String entry, java.util.function.Function<JsonNode, T> parse,
            java.util.function.Function<T, String> key) {
        Map<String, T> entries = new LinkedHashMap<>();
        for (JsonNode node : root.path(name)) {
            T parsed = parse.apply(node);
            if (entries.put(key.apply(parsed), parsed) != null) {
                throw new IllegalStateException(RESOURCE + ": duplicate " + entry + " " + key.apply(parsed));
            }
        }
        return java.util.Collections.unmodifiableMap(entries);
    }

    /** A top-level settings object the platform does not read itself ({@code status}); missing when absent. */
    public JsonNode settings(String name) {
        return root.path(name);
    }

    public Optional<Function> find(String id) {
        return Optional.ofNullable(functions.get(id));
    }

    public Map<String, Function> all() {
        return functions;
    }

    /** A field an entry cannot do without. */
    public static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.asText().isBlank()) {
            throw new IllegalStateException(RESOURCE + ": missing '" + field + "' in " + node);
        }
        return value.asText();
    }
}
