package io.firebreak.providers.railway;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.providers.DeclaredUrl;

/**
 * The Railway services the application runs on, as functions.yaml's {@code railway:} block declares
 * them: {project, environment, services: [{name, id}]}, ids usually from placeholders
 * ({@code ${RAILWAY_PROJECT_ID:}}). Read by everything that looks at or acts on those services
 * (recent deployments here; restarts and rollbacks later), so there is one declaration of them.
 * A placeholder left empty makes the block incomplete (skipped, saying which), not a refusal.
 */
public record RailwayServices(String project, String environment, List<Service> services, Set<String> missing,
        List<Variable> variables, List<Secret> secrets) {

    /** One declared service: the name engineers use, Railway's id. */
    public record Service(String name, String id) {
    }

    /**
     * A service variable railway-variable may set or unset (seed 004's switches): the values it may
     * take (none listed: any, up to 256 characters), whether its values are masked wherever they are
     * shown, and the services it applies to (none listed: every declared one).
     */
    public record Variable(String name, List<String> values, boolean secret, List<String> services) {
        public boolean allows(String value) {
            return values.isEmpty() ? value.length() <= MAX_VALUE && !value.isEmpty() && value.indexOf('\0') < 0
                    : values.contains(value);
        }

        public boolean on(String service) {
            return services.isEmpty() || services.contains(service);
        }
    }

    /**
     * A secret variable rotate-secret replaces with fresh random bytes (seed 004's SESSION_SECRET,
     * JWT_SECRET): how many bytes, and whether the rotation also signs every session out on the target
     * (contain-breach's sign-out), for secrets whose old tokens would otherwise stay valid elsewhere.
     */
    public record Secret(String name, int bytes, boolean signOut, List<String> services) {
        public boolean on(String service) {
            return services.isEmpty() || services.contains(service);
        }
    }

    static final Pattern VARIABLE = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    static final int MAX_VALUE = 256;

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /** No block: nothing declared. */
    public static final RailwayServices NONE = new RailwayServices(null, null, List.of(), Set.of(), List.of(), List.of());

    /** Parses the block (a missing node is NONE); a malformed one is refused at start-up. */
    public static RailwayServices parse(JsonNode block) {
        if (block == null || block.isMissingNode() || block.isNull()) {
            return NONE;
        }
        if (!block.isObject()) {
            throw new IllegalStateException("functions.yaml: railway is an object {project, environment, services}");
        }
        Set<String> missing = new LinkedHashSet<>();
        String project = id(block.path("project"), "railway.project", missing);
        String environment = id(block.path("environment"), "railway.environment", missing);
        List<Service> services = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode s : block.path("services")) {
            String name = s.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException("functions.yaml: railway.services name '" + name
                        + "' is lower-case letters, digits and -");
            }
            if (!names.add(name)) {
                throw new IllegalStateException("functions.yaml: duplicate railway service " + name);
            }
            String id = id(s.path("id"), "railway.services." + name + ".id", missing);
            services.add(new Service(name, id));
        }
        if (services.isEmpty()) {
            throw new IllegalStateException("functions.yaml: railway declares no services");
        }
        List<Variable> variables = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        Set<String> variableNames = new LinkedHashSet<>();
        for (JsonNode v : block.path("variables")) {
            String name = variableName(v, "variables", variableNames);
            List<String> values = new ArrayList<>();
            v.path("values").forEach(x -> values.add(x.asText()));
            if (values.stream().anyMatch(x -> x.isEmpty() || x.length() > MAX_VALUE)) {
                throw new IllegalStateException("functions.yaml: railway.variables " + name + " values are 1 to " + MAX_VALUE
                        + " characters");
            }
            variables.add(new Variable(name, List.copyOf(values), v.path("secret").asBoolean(false),
                    serviceNames(v, names, "variables " + name)));
        }
        for (JsonNode v : block.path("secrets")) {
            String name = variableName(v, "secrets", variableNames);
            int bytes = v.path("bytes").asInt(32);
            if (bytes < 16 || bytes > 64) {
                throw new IllegalStateException("functions.yaml: railway.secrets " + name + " bytes is 16 to 64");
            }
            secrets.add(new Secret(name, bytes, v.path("signOut").asBoolean(false), serviceNames(v, names, "secrets " + name)));
        }
        return new RailwayServices(project, environment, List.copyOf(services), java.util.Collections.unmodifiableSet(missing),
                List.copyOf(variables), List.copyOf(secrets));
    }

    public Optional<Variable> variable(String name) {
        return variables.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public Optional<Secret> secret(String name) {
        return secrets.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    private static String variableName(JsonNode v, String list, Set<String> seen) {
        String name = v.path("name").asText("");
        if (!VARIABLE.matcher(name).matches()) {
            throw new IllegalStateException("functions.yaml: railway." + list + " name '" + name
                    + "' is an environment variable name (A-Z, 0-9, _)");
        }
        if (!seen.add(name)) {
            throw new IllegalStateException("functions.yaml: railway variable " + name + " is declared twice");
        }
        return name;
    }

    private static List<String> serviceNames(JsonNode v, Set<String> declared, String what) {
        List<String> out = new ArrayList<>();
        v.path("services").forEach(s -> out.add(s.asText()));
        for (String s : out) {
            if (!declared.contains(s)) {
                throw new IllegalStateException("functions.yaml: railway." + what + " names service " + s
                        + ", which railway.services does not declare");
            }
        }
        return List.copyOf(out);
    }

    /** Why the declaration cannot be used, if it cannot: none, or ids left empty. */
    public Optional<String> incomplete() {
        if (services.isEmpty()) {
            return Optional.of("no railway block in functions.yaml");
        }
        if (!missing.isEmpty()) {
            return Optional.of("functions.yaml railway ids are empty: " + String.join(", ", missing));
        }
        return Optional.empty();
    }

    public Optional<Service> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static String id(JsonNode node, String what, Set<String> missing) {
        String raw = node.asText("");
        List<String> names = placeholderNames(raw);
        String value = DeclaredUrl.expand(raw, what).strip();
        if (value.isEmpty()) {
            // The variable to set says it best; a literal left empty is named by its place in the block.
            missing.addAll(names.isEmpty() ? List.of(what) : names);
            return null;
        }
        if (!ID.matcher(value).matches()) {
            throw new IllegalStateException("functions.yaml: " + what + " is not a Railway id");
        }
        return value;
    }

    /** Every placeholder name in a text, defaulted or not (the one to set). */
    private static List<String> placeholderNames(String raw) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)").matcher(raw);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
