package io.firebreak.providers.vendorstatus;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;


import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.providers.DeclaredUrl;

/**
 * One vendor firebreak depends on, as functions.yaml's {@code dependencies:} declares it: how its
 * status is read (kind), where, and which of its components matter to us (none listed: all).
 * {@code url} is null when a placeholder without a default has no value: the entry is then
 * reported as skipped, never read.
 */
public record Dependency(String name, String title, Kind kind, URI url, List<String> components, int expectStatus,
        List<String> missing) {

    /** How a vendor publishes its status, and where below the declared address the machine-readable answer is. */
    public enum Kind {
        STATUSPAGE("statuspage", "/api/v2/summary.json"),
        INCIDENT_IO("incident-io", "/api/v1/summary"),
        SLACK("slack", "/api/v2.0.0/current"),
        FEED("feed", ""),
        HEALTH("health", "");

        public final String id;
        final String path;

        Kind(String id, String path) {
            this.id = id;
            this.path = path;
        }

        static Kind parse(String id, String what) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw refused(what + ": kind is one of statuspage, incident-io, slack, feed, health (got " + id + ")");
        }
    }

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    static final int MAX_COMPONENTS = 50;

    /** The address read: the page's API below its declared address, or the declared URL itself (feed, health). */
    public URI readUrl() {
        if (kind.path.isEmpty()) {
            return url;
        }
        String base = url.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + kind.path);
    }

    /** Whether a vendor's component (by its name or its group's) is one we declared we depend on. */
    public boolean matters(String component, String group) {
        if (components.isEmpty()) {
            return true;
        }
        for (String c : components) {
            if (c.equalsIgnoreCase(strip(component)) || (group != null && c.equalsIgnoreCase(strip(group)))) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }

    /** The whole {@code dependencies:} section, in order; a bad entry stops the service at start-up. */
    public static List<Dependency> parseAll(JsonNode section) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return List.of();
        }
        if (!section.isArray()) {
            throw refused("dependencies is a list of entries");
        }
        Map<String, Dependency> byName = new LinkedHashMap<>();
        for (JsonNode node : section) {
            Dependency d = parse(node);
            if (byName.put(d.name(), d) != null) {
                throw refused("duplicate dependency " + d.name());
            }
        }
        return List.copyOf(byName.values());
    }

    /** One entry: name, kind, url, optional title, components and expectStatus (health only). */
    public static Dependency parse(JsonNode node) {
        if (!node.isObject()) {
            throw refused("a dependency is an object with name, kind and url: " + node);
        }
        String name = text(node, "name", "dependency");
        if (!NAME.matcher(name).matches()) {
            throw refused("dependency name " + name + " is lower-case letters, digits and -");
        }
        String what = "dependency " + name;
        for (var it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!Set.of("name", "title", "kind", "url", "components", "expectStatus").contains(field)) {
                throw refused(what + ": unknown field " + field + " (name, title, kind, url, components, expectStatus)");
            }
        }
        Kind kind = Kind.parse(text(node, "kind", what), what);
        String rawUrl = text(node, "url", what);
        List<String> components = new ArrayList<>();
        JsonNode list = node.path("components");
        if (!list.isMissingNode() && !list.isNull()) {
            if (!list.isArray()) {
                throw refused(what + ": components is a list of the vendor's component names");
            }
            for (JsonNode c : list) {
                if (!c.isTextual() || c.asText().isBlank() || c.asText().length() > 200) {
                    throw refused(what + ": a component is a name of 1 to 200 characters, not " + c);
                }
                components.add(c.asText().strip());
            }
        }
        if (components.size() > MAX_COMPONENTS) {
            throw refused(what + ": at most " + MAX_COMPONENTS + " components");
        }
        if (!components.isEmpty() && (kind == Kind.FEED || kind == Kind.HEALTH)) {
            throw refused(what + ": a " + kind.id + " has no components to choose from; leave components out");
        }
        int expect = 200;
        if (node.has("expectStatus")) {
            if (kind != Kind.HEALTH) {
                throw refused(what + ": expectStatus is for kind health only");
            }
            JsonNode e = node.get("expectStatus");
            if (!e.isInt() || e.asInt() < 100 || e.asInt() > 599) {
                throw refused(what + ": expectStatus is an HTTP status (100-599)");
            }
            expect = e.asInt();
        }
        String title = node.hasNonNull("title") ? node.get("title").asText().strip() : name;
        if (title.isEmpty() || title.length() > 100) {
            throw refused(what + ": title is 1 to 100 characters");
        }
        // A placeholder without a default and without a value leaves the entry out (reported as skipped),
        // as an absent token does; every other fault of the URL stops the service.
        List<String> missing = DeclaredUrl.unset(rawUrl);
        URI url = missing.isEmpty() ? DeclaredUrl.parse(rawUrl, what) : null;
        if (url != null && (url.getRawQuery() != null || url.getRawFragment() != null) && !kind.path.isEmpty()) {
            throw refused(what + ": a status page address has no query or fragment: " + DeclaredUrl.display(url));
        }
        return new Dependency(name, title, kind, url, List.copyOf(components), expect, missing);
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw refused(what + ": missing '" + field + "'");
        }
        return v.asText().strip();
    }

    static IllegalStateException refused(String why) {
        return new IllegalStateException("functions.yaml: " + why);
    }

    /** The kind's id, for answers. */
    public String kindId() {
        return kind.id;
    }
}
