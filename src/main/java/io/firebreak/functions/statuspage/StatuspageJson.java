package io.firebreak.functions.statuspage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.firebreak.incident.StatusComponents;

/**
 * The Atlassian Statuspage v2 public API's documents, field for field (page, status, components
 * with groups, incidents with incident_updates and affected_components, scheduled maintenances), so
 * widgets and Grafana's Statuspage data source read firebreak's page unchanged. One addition,
 * {@code next_update_at}, is firebreak's: when the team's next update is due.
 */
final class StatuspageJson {

    private final ObjectMapper mapper;
    private final StatusView view;
    private final String pageId;

    StatuspageJson(ObjectMapper mapper, StatusView view) {
        this.mapper = mapper;
        this.view = view;
        this.pageId = "firebreak";
    }

    /** Every document by its path below the site, as the v2 API names them. */
    Map<String, ObjectNode> documents() {
        Map<String, ObjectNode> docs = new LinkedHashMap<>();
        docs.put("/api/v2/summary.json", summary());
        docs.put("/api/v2/status.json", withPage(n -> n.set("status", status())));
        docs.put("/api/v2/components.json", withPage(n -> n.set("components", components())));
        docs.put("/api/v2/incidents.json", withPage(n -> n.set("incidents", incidents(false))));
        docs.put("/api/v2/incidents/unresolved.json", withPage(n -> n.set("incidents", incidents(true))));
        docs.put("/api/v2/scheduled-maintenances.json", withPage(n -> n.set("scheduled_maintenances", maintenances(null))));
        docs.put("/api/v2/scheduled-maintenances/upcoming.json",
                withPage(n -> n.set("scheduled_maintenances", maintenances("scheduled"))));
        docs.put("/api/v2/scheduled-maintenances/active.json",
                withPage(n -> n.set("scheduled_maintenances", maintenances("in_progress"))));
        return docs;
    }

    ObjectNode summary() {
        ObjectNode n = mapper.createObjectNode();
        n.set("page", page());
        n.set("components", components());
        n.set("incidents", incidents(true));
        n.set("scheduled_maintenances", maintenances("active-or-upcoming"));
        n.set("status", status());
        return n;
    }

    private ObjectNode withPage(java.util.function.Consumer<ObjectNode> body) {
        ObjectNode n = mapper.createObjectNode();
        n.set("page", page());
        body.accept(n);
        return n;
    }

    ObjectNode page() {
        ObjectNode p = mapper.createObjectNode();
        p.put("id", pageId);
        p.put("name", view.page().name());
        p.put("url", view.page().url().orElse(""));
        p.put("time_zone", view.page().timeZone());
        p.put("updated_at", time(updatedAt()));
        return p;
    }

    /** The latest moment anything on the page changed (not the render time, so ETags stay stable). */
    Instant updatedAt() {
        Instant at = Instant.EPOCH;
        for (StatusView.IncidentView i : view.incidents()) {
            at = i.updatedAt().isAfter(at) ? i.updatedAt() : at;
        }
        for (StatusView.MaintenanceView m : view.maintenances()) {
            for (Instant t : new Instant[] {m.createdAt(), m.cancelledAt(), m.scheduledFor(), m.scheduledUntil()}) {
                if (t != null && t.isAfter(at) && !t.isAfter(view.at())) {
                    at = t;
                }
            }
        }
        return at.equals(Instant.EPOCH) ? view.at() : at;
    }

    ObjectNode status() {
        ObjectNode s = mapper.createObjectNode();
        s.put("indicator", view.indicator());
        s.put("description", view.description());
        return s;
    }

    ArrayNode components() {
        ArrayNode out = mapper.createArrayNode();
        Map<String, List<StatusView.ComponentView>> groups = new LinkedHashMap<>();
        int position = 1;
        for (StatusView.ComponentView c : view.components()) {
            if (c.component().group() != null) {
                groups.computeIfAbsent(c.component().group(), g -> new ArrayList<>()).add(c);
            }
        }
        for (StatusView.ComponentView c : view.components()) {
            ObjectNode n = component(c.component().id(), c.component().name(), c.status(), c.component().description(),
                    position++);
            n.put("group", false);
            n.put("group_id", c.component().group() == null ? null : groupId(c.component().group()));
            n.put("only_show_if_degraded", false);
            n.put("showcase", true);
            n.putNull("start_date");
            out.add(n);
        }
        for (Map.Entry<String, List<StatusView.ComponentView>> g : groups.entrySet()) {
            String worst = g.getValue().stream().map(StatusView.ComponentView::status)
                    .max(java.util.Comparator.comparingInt(StatusComponents.STATES::indexOf)).orElse("operational");
            ObjectNode n = component(groupId(g.getKey()), g.getKey(), worst, null, position++);
            n.put("group", true);
            n.putNull("group_id");
            n.put("only_show_if_degraded", false);
            n.put("showcase", false);
            n.putNull("start_date");
            ArrayNode members = n.putArray("components");
            g.getValue().forEach(c -> members.add(c.component().id()));
            out.add(n);
        }
        return out;
    }

    private ObjectNode component(String id, String name, String status, String description, int position) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", id);
        n.put("name", name);
        n.put("status", status);
        n.put("created_at", time(Instant.EPOCH));
        n.put("updated_at", time(updatedAt()));
        n.put("position", position);
        if (description == null || description.isEmpty()) {
            n.putNull("description");
        } else {
            n.put("description", description);
        }
        n.put("page_id", pageId);
        return n;
    }

    static String groupId(String group) {
        return "group-" + group.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    ArrayNode incidents(boolean unresolvedOnly) {
        ArrayNode out = mapper.createArrayNode();
        for (StatusView.IncidentView i : view.incidents()) {
            if (!unresolvedOnly || i.unresolved()) {
                out.add(incident(i));
            }
        }
        return out;
    }

    ObjectNode incident(StatusView.IncidentView i) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", i.id());
        n.put("name", i.name());
        n.put("status", i.status());
        n.put("created_at", time(i.createdAt()));
        n.put("updated_at", time(i.updatedAt()));
        n.put("monitoring_at", time(i.monitoringAt()));
        n.put("resolved_at", time(i.resolvedAt()));
        n.put("impact", i.impact());
        n.put("shortlink", view.page().url().map(u -> u + "/incidents/" + i.id() + ".html").orElse(null));
        n.put("started_at", time(i.createdAt()));
        n.put("page_id", pageId);
        n.put("postmortem_body", (String) null);
        n.put("next_update_at", time(i.nextUpdateDue()));
        ArrayNode updates = n.putArray("incident_updates");
        Map<String, String> previous = new LinkedHashMap<>();
        List<StatusView.Update> oldestFirst = new ArrayList<>(i.updates());
        java.util.Collections.reverse(oldestFirst);
        List<ObjectNode> built = new ArrayList<>();
        for (StatusView.Update u : oldestFirst) {
            ObjectNode un = update(i.id(), u.id(), u.status(), u.body(), u.at());
            ArrayNode affected = un.putArray("affected_components");
            u.components().forEach((id, state) -> {
                StatusView.ComponentView c = find(id);
                affected.addObject().put("code", id).put("name", c == null ? id : c.component().name())
                        .put("old_status", previous.getOrDefault(id, "operational")).put("new_status", state);
                previous.put(id, state);
            });
            built.add(un);
        }
        java.util.Collections.reverse(built);
        built.forEach(updates::add);
        affected(n, i.components().keySet());
        return n;
    }

    private ObjectNode update(String parent, long id, String status, String body, Instant at) {
        ObjectNode un = mapper.createObjectNode();
        un.put("id", parent + "-" + id);
        un.put("status", status);
        un.put("body", body);
        un.put("incident_id", parent);
        un.put("created_at", time(at));
        un.put("updated_at", time(at));
        un.put("display_at", time(at));
        un.put("deliver_notifications", true);
        un.putNull("custom_tweet");
        un.putNull("tweet_id");
        return un;
    }

    /** An incident's or maintenance's components, as they stand now. */
    private void affected(ObjectNode n, java.util.Collection<String> ids) {
        ArrayNode comps = n.putArray("components");
        ids.forEach(id -> {
            StatusView.ComponentView c = find(id);
            if (c != null) {
                comps.add(component(id, c.component().name(), c.status(), c.component().description(), 0));
            }
        });
    }

    private StatusView.ComponentView find(String id) {
        return view.components().stream().filter(c -> c.component().id().equals(id)).findFirst().orElse(null);
    }

    /** null: all; "active-or-upcoming": what summary.json lists; else that status. */
    ArrayNode maintenances(String status) {
        ArrayNode out = mapper.createArrayNode();
        for (StatusView.MaintenanceView m : view.maintenances()) {
            boolean include = status == null
                    || (status.equals("active-or-upcoming") ? m.active() || m.upcoming() : m.status().equals(status));
            if (include) {
                out.add(maintenance(m));
            }
        }
        return out;
    }

    ObjectNode maintenance(StatusView.MaintenanceView m) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", m.id());
        n.put("name", m.name());
        n.put("status", m.status());
        n.put("created_at", time(m.createdAt()));
        Instant updated = m.createdAt();
        ArrayNode updates = n.putArray("incident_updates");
        // The window's own updates: scheduled at creation, in progress at its start, completed at its end.
        List<ObjectNode> built = new ArrayList<>();
        built.add(update(m.id(), 1, "scheduled", m.body(), m.createdAt()));
        if (m.cancelledAt() != null) {
            built.add(update(m.id(), 2, "completed", "This maintenance was cancelled.", m.cancelledAt()));
            updated = m.cancelledAt();
        } else {
            if (!view.at().isBefore(m.scheduledFor())) {
                built.add(update(m.id(), 2, "in_progress", "Scheduled maintenance is in progress.", m.scheduledFor()));
                updated = m.scheduledFor();
            }
            if (!view.at().isBefore(m.scheduledUntil())) {
                built.add(update(m.id(), 3, "completed", "The scheduled maintenance has been completed.",
                        m.scheduledUntil()));
                updated = m.scheduledUntil();
            }
        }
        java.util.Collections.reverse(built);
        built.forEach(u -> {
            ArrayNode affected = u.putArray("affected_components");
            m.components().forEach(id -> {
                StatusView.ComponentView c = find(id);
                affected.addObject().put("code", id).put("name", c == null ? id : c.component().name())
                        .put("old_status", "operational").put("new_status", "under_maintenance");
            });
            updates.add(u);
        });
        n.put("updated_at", time(updated));
        n.put("monitoring_at", (String) null);
        n.put("resolved_at", "completed".equals(m.status()) ? time(m.cancelledAt() != null ? m.cancelledAt() : m.scheduledUntil()) : null);
        n.put("impact", "maintenance");
        n.put("shortlink", view.page().url().map(u -> u + "/maintenances/" + m.id() + ".html").orElse(null));
        n.put("started_at", time(m.scheduledFor()));
        n.put("page_id", pageId);
        n.put("scheduled_for", time(m.scheduledFor()));
        n.put("scheduled_until", time(m.scheduledUntil()));
        affected(n, m.components());
        return n;
    }

    static String time(Instant at) {
        return at == null ? null : at.atOffset(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
