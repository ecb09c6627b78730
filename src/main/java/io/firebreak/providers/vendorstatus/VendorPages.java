package io.firebreak.providers.vendorstatus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.firebreak.providers.vendorstatus.VendorPage.Component;
import io.firebreak.providers.vendorstatus.VendorPage.Level;
import io.firebreak.providers.vendorstatus.VendorPage.Maintenance;
import io.firebreak.providers.vendorstatus.VendorPage.VendorIncident;

/**
 * The JSON status answers read into a {@link VendorPage}: Atlassian Statuspage v2's summary.json,
 * incident.io's widget summary and Slack's current status. Pure, so each shape (extra fields,
 * nulls, missing arrays) is unit-tested; an answer that is not the kind's shape is refused with a
 * {@link Malformed} that says what was wrong, never half-read.
 */
public final class VendorPages {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Vendor lists are bounded before they reach an answer. */
    static final int MAX_ITEMS = 50;

    /** An answer that is not what its kind publishes. */
    public static final class Malformed extends RuntimeException {
        public Malformed(String message) {
            super(message);
        }
    }

    private VendorPages() {
    }

    /** Statuspage v2 {@code /api/v2/summary.json}: page, status, components, incidents (unresolved), scheduled_maintenances. */
    public static VendorPage statuspage(String body) {
        JsonNode root = tree(body, "Statuspage summary");
        JsonNode status = root.path("status");
        if (!status.isObject() || !status.path("indicator").isTextual() || !root.path("components").isArray()) {
            throw new Malformed("malformed answer: not a Statuspage v2 summary (no status.indicator or components)");
        }
        Map<String, String> groups = new HashMap<>();
        for (JsonNode c : root.path("components")) {
            if (c.path("group").asBoolean(false) && c.hasNonNull("id")) {
                groups.put(c.get("id").asText(), text(c, "name"));
            }
        }
        List<Component> components = new ArrayList<>();
        for (JsonNode c : root.path("components")) {
            // A group's own row only sums up its children, which carry its name as their group.
            if (c.path("group").asBoolean(false) || text(c, "name") == null) {
                continue;
            }
            components.add(new Component(text(c, "name"), c.hasNonNull("group_id") ? groups.get(c.get("group_id").asText()) : null,
                    VendorPage.componentStatus(text(c, "status")), time(c, "updated_at")));
        }
        List<VendorIncident> incidents = new ArrayList<>();
        for (JsonNode i : root.path("incidents")) {
            String state = text(i, "status");
            if ("resolved".equals(state) || "postmortem".equals(state) || incidents.size() >= MAX_ITEMS) {
                continue;
            }
            List<Component> affected = new ArrayList<>();
            for (JsonNode c : i.path("components")) {
                if (text(c, "name") != null) {
                    affected.add(new Component(text(c, "name"), null, VendorPage.componentStatus(text(c, "status")), null));
                }
            }
            incidents.add(new VendorIncident(text(i, "id"), or(text(i, "name"), "(untitled incident)"), state,
                    Level.impact(text(i, "impact")).json(), first(time(i, "started_at"), time(i, "created_at")),
                    link(text(i, "shortlink")), List.copyOf(affected)));
        }
        List<Maintenance> maintenances = new ArrayList<>();
        for (JsonNode m : root.path("scheduled_maintenances")) {
            String state = text(m, "status");
            if (("in_progress".equals(state) || "verifying".equals(state)) && maintenances.size() < MAX_ITEMS) {
                List<Component> affected = new ArrayList<>();
                for (JsonNode c : m.path("components")) {
                    if (text(c, "name") != null) {
                        affected.add(new Component(text(c, "name"), null, VendorPage.componentStatus(text(c, "status")), null));
                    }
                }
                maintenances.add(new Maintenance(text(m, "id"), or(text(m, "name"), "(untitled maintenance)"), state,
                        first(time(m, "scheduled_for"), time(m, "started_at")), time(m, "scheduled_until"), link(text(m, "shortlink")),
                        List.copyOf(affected)));
            }
        }
        Level indicator = Level.impact(status.path("indicator").asText());
        return new VendorPage(indicator, or(text(status, "description"), indicator.json()), List.copyOf(components),
                List.copyOf(incidents), List.copyOf(maintenances));
    }

    /**
     * incident.io's widget API {@code /api/v1/summary}: ongoing_incidents (with current_worst_impact
     * and affected_components' current_status) and in_progress_maintenances; scheduled ones are left out.
     */
    public static VendorPage incidentIo(String body) {
        JsonNode root = tree(body, "incident.io summary");
        if (!root.path("ongoing_incidents").isArray()) {
            throw new Malformed("malformed answer: not an incident.io widget summary (no ongoing_incidents list)");
        }
        Map<String, Component> worst = new LinkedHashMap<>();
        List<VendorIncident> incidents = new ArrayList<>();
        Level indicator = Level.NONE;
        for (JsonNode i : root.path("ongoing_incidents")) {
            if (incidents.size() >= MAX_ITEMS) {
                break;
            }
            List<Component> affected = incidentIoComponents(i);
            for (Component c : affected) {
                worst.merge(c.name() + "\u0000" + c.group(), c, (a, b) -> b.level().ordinal() > a.level().ordinal() ? b : a);
            }
            Level impact = VendorPage.statusLevel(VendorPage.componentStatus(text(i, "current_worst_impact")));
            if (impact == Level.NONE) {
                // An ongoing incident with no impact given is trouble of unknown size, not "operational".
                impact = Level.MINOR;
            }
            indicator = indicator.worst(impact);
            incidents.add(new VendorIncident(text(i, "id"), or(text(i, "name"), "(untitled incident)"), text(i, "status"),
                    impact.json(), first(time(i, "started_at"), time(i, "published_at"), time(i, "created_at"),
                            time(i, "last_update_at")),
                    link(text(i, "url")), affected));
        }
        List<Maintenance> maintenances = new ArrayList<>();
        for (JsonNode m : root.path("in_progress_maintenances")) {
            if (maintenances.size() < MAX_ITEMS) {
                maintenances.add(new Maintenance(text(m, "id"), or(text(m, "name"), "(untitled maintenance)"),
                        or(text(m, "status"), "in_progress"), first(time(m, "started_at"), time(m, "last_update_at")),
                        first(time(m, "scheduled_end_at"), time(m, "scheduled_end")), link(text(m, "url")), incidentIoComponents(m)));
            }
        }
        String description = indicator == Level.NONE ? "All systems operational"
                : incidents.size() + (incidents.size() == 1 ? " ongoing incident" : " ongoing incidents");
        return new VendorPage(indicator, description, List.copyOf(worst.values()), List.copyOf(incidents),
                List.copyOf(maintenances));
    }

    private static List<Component> incidentIoComponents(JsonNode item) {
        List<Component> out = new ArrayList<>();
        for (JsonNode c : item.path("affected_components")) {
            if (text(c, "name") != null && out.size() < MAX_ITEMS) {
                out.add(new Component(text(c, "name"), text(c, "group_name"), VendorPage.componentStatus(text(c, "current_status")),
                        null));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Slack's {@code /api/v2.0.0/current}: status ok|active and active_incidents, each of type
     * outage (critical), incident (minor) or notice (none: shown, not trouble), naming the services
     * it affects; a service's status follows its incident's type.
     */
    public static VendorPage slack(String body) {
        JsonNode root = tree(body, "Slack status");
        if (!root.path("status").isTextual()) {
            throw new Malformed("malformed answer: not Slack's current status (no status field)");
        }
        Map<String, Component> services = new LinkedHashMap<>();
        List<VendorIncident> incidents = new ArrayList<>();
        List<Maintenance> maintenances = new ArrayList<>();
        Level indicator = Level.NONE;
        for (JsonNode i : root.path("active_incidents")) {
            String state = text(i, "status");
            if ("resolved".equals(state) || "completed".equals(state) || incidents.size() >= MAX_ITEMS) {
                continue;
            }
            String type = or(text(i, "type"), "incident");
            Level impact = switch (type) {
                case "outage" -> Level.CRITICAL;
                case "notice" -> Level.NONE;
                default -> Level.MINOR;
            };
            String componentStatus = switch (type) {
                case "outage" -> "major_outage";
                case "notice" -> "operational";
                default -> "degraded_performance";
            };
            Instant started = first(time(i, "date_created"), time(i, "date_updated"));
            List<Component> affected = new ArrayList<>();
            for (JsonNode s : i.path("services")) {
                if (s.isTextual() && !s.asText().isBlank()) {
                    Component c = new Component(s.asText(), null, componentStatus, started);
                    affected.add(c);
                    services.merge(c.name(), c, (a, b) -> b.level().ordinal() > a.level().ordinal() ? b : a);
                }
            }
            indicator = indicator.worst(impact);
            incidents.add(new VendorIncident(text(i, "id"), or(text(i, "title"), "(untitled incident)"), state, impact.json(),
                    started, link(text(i, "url")), List.copyOf(affected)));
        }
        String description = "ok".equals(root.get("status").asText()) && incidents.isEmpty() ? "All systems operational"
                : incidents.size() + (incidents.size() == 1 ? " active incident" : " active incidents");
        return new VendorPage(indicator, description, List.copyOf(services.values()), List.copyOf(incidents),
                List.copyOf(maintenances));
    }

    /** A plain health URL: the expected status is operational, anything else a major outage of the one component. */
    public static VendorPage health(int status, int expected, Instant at) {
        if (status == expected) {
            return new VendorPage(Level.NONE, "answered HTTP " + status, List.of(), List.of(), List.of());
        }
        return new VendorPage(Level.MAJOR, "answered HTTP " + status + ", expected " + expected,
                List.of(new Component("health", null, "major_outage", at)), List.of(), List.of());
    }

    static JsonNode tree(String body, String what) {
        if (body == null || body.isBlank()) {
            throw new Malformed("malformed answer: empty body where a " + what + " was expected");
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new Malformed("malformed answer: a " + what + " is a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            String start = body.strip();
            throw new Malformed("malformed answer: not JSON" + (start.startsWith("<") ? " (an HTML or XML page)" : "")
                    + " where a " + what + " was expected");
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = printable(v.asText()).strip();
        if (s.isEmpty()) {
            return null;
        }
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** A vendor's link, kept only when it is http(s): an answer or a post-mortem never carries another scheme. */
    static String link(String url) {
        if (url == null) {
            return null;
        }
        String u = url.strip();
        return u.regionMatches(true, 0, "https://", 0, 8) || u.regionMatches(true, 0, "http://", 0, 7) ? u : null;
    }

    /** A vendor's text with control characters (a newline that could forge a log line) turned into spaces. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return out.toString();
    }

    /** An ISO-8601 time with an offset (what all three publish); anything else is no time rather than a failure. */
    static Instant time(JsonNode node, String field) {
        String s = text(node, field);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    @SafeVarargs
    static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String or(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
