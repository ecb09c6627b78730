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
public record RailwayServices(String project, String environment, List<Service> services, Set<String> missing) {

    /** One declared service: the name engineers use, Railway's id. */
    public record Service(String name, String id) {
    }

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /** No block: nothing declared. */
    public static final RailwayServices NONE = new RailwayServices(null, null, List.of(), Set.of());

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
        return new RailwayServices(project, environment, List.copyOf(services), java.util.Collections.unmodifiableSet(missing));
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
