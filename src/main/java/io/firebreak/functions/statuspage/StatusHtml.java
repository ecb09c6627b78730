package io.firebreak.functions.statuspage;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;

/**
 * The HTML pages, rendered on the server with Qute's standalone engine from templates in
 * {@code status/}: readable without JavaScript, escaped, with landmarks and headings. The data are
 * plain maps built here, so no template needs reflection (native-image safe). Links are relative,
 * so the same files work served live under /status/ and as the static export.
 */
final class StatusHtml {

    static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", java.util.Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private static final Engine ENGINE = Engine.builder().addDefaults()
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).addLocator(new Locator()).build();

    private static final Template INDEX = template("index");
    private static final Template INCIDENT = template("incident");
    private static final Template COMPONENT = template("component");
    private static final Template MAINTENANCE = template("maintenance");
    private static final Template MESSAGE = template("message");

    private final StatusView view;

    StatusHtml(StatusView view) {
        this.view = view;
    }

    /** Every page by its path below the site. */
    Map<String, String> pages() {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("/index.html", index());
        for (StatusView.IncidentView i : view.incidents()) {
            pages.put("/incidents/" + i.id() + ".html", render(INCIDENT, "../", i.name(), Map.of("i", incident(i))));
        }
        for (StatusView.ComponentView c : view.components()) {
            pages.put("/components/" + c.component().id() + ".html",
                    render(COMPONENT, "../", c.component().name(), Map.of("c", componentDetail(c))));
        }
        for (StatusView.MaintenanceView m : view.maintenances()) {
            pages.put("/maintenances/" + m.id() + ".html", render(MAINTENANCE, "../", m.name(), Map.of("m", maintenance(m))));
        }
        return pages;
    }

    String index() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("indicator", view.indicator());
        data.put("description", view.description());
        data.put("active", view.incidents().stream().filter(StatusView.IncidentView::unresolved).map(this::incident).toList());
        data.put("past", view.incidents().stream().filter(i -> !i.unresolved()).map(this::incident).toList());
        data.put("maintenances", view.maintenances().stream().filter(m -> m.active() || m.upcoming()).map(this::maintenance)
                .toList());
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (StatusView.ComponentView c : view.components()) {
            String g = c.component().group() == null ? "" : c.component().group();
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(component(c));
        }
        List<Map<String, Object>> g = new ArrayList<>();
        groups.forEach((name, list) -> g.add(Map.of("name", name, "components", list)));
        data.put("groups", g);
        data.put("allComponents", view.components().stream()
                .map(c -> Map.of("id", c.component().id(), "name", c.component().name())).toList());
        data.put("componentCount", Math.min(6, Math.max(2, view.components().size())));
        return render(INDEX, "", view.page().name() + " status", data);
    }

    /** A short page (subscription confirmed, unsubscribed, refused) in the page's look. */
    static String message(String pageName, String root, String heading, String text,
            String action, String button) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("heading", heading);
        data.put("text", text);
        data.put("action", action == null ? "" : action);
        data.put("button", button == null ? "" : button);
        return frame(MESSAGE, pageName, root, heading + " · " + pageName, Instant.now(), data);
    }

    private String render(Template t, String root, String title, Map<String, Object> data) {
        String name = view.page().name();
        return frame(t, name, root, title.equals(name + " status") ? title : title + " · " + name, view.at(), data);
    }

    /** What the layout needs around every page: its title, the way back to the root, the page's name, when. */
    private static String frame(Template t, String pageName, String root, String title, Instant updated,
            Map<String, Object> data) {
        Map<String, Object> all = new LinkedHashMap<>(data);
        all.put("title", title);
        all.put("root", root);
        all.put("page", Map.of("name", pageName));
        all.put("updated", HUMAN.format(updated));
        all.put("updatedIso", StatuspageJson.time(updated));
        return t.data(all).render();
    }

    Map<String, Object> incident(StatusView.IncidentView i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("name", i.name());
        m.put("status", i.status());
        m.put("statusLabel", label(i.status()));
        m.put("impact", i.impact());
        m.put("nextUpdate", i.nextUpdateDue() == null ? "" : HUMAN.format(i.nextUpdateDue()));
        m.put("nextUpdateIso", StatuspageJson.time(i.nextUpdateDue()));
        m.put("resolved", i.resolvedAt() == null ? "" : HUMAN.format(i.resolvedAt()));
        m.put("resolvedIso", StatuspageJson.time(i.resolvedAt()));
        m.put("postmortem", i.postmortemLink() == null || !i.postmortemLink().startsWith("https://") ? "" : i.postmortemLink());
        m.put("componentNames", String.join(", ", i.components().keySet().stream().map(this::name).toList()));
        m.put("updates", i.updates().stream().map(u -> Map.of("statusLabel", label(u.status()), "body", u.body(), "at",
                HUMAN.format(u.at()), "iso", StatuspageJson.time(u.at()))).toList());
        return m;
    }

    private Map<String, Object> component(StatusView.ComponentView c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.component().id());
        m.put("name", c.component().name());
        m.put("description", c.component().description());
        m.put("status", c.status());
        m.put("statusLabel", label(c.status()));
        m.put("uptime", c.uptimePercent() == null ? "no data yet" : percent(c.uptimePercent()));
        m.put("uptimeLegend", c.uptimePercent() == null ? "no data yet" : percent(c.uptimePercent()) + " uptime");
        m.put("days", c.days().stream().map(d -> Map.of("worst", d.worst(), "title", d.date() + ": "
                + (d.measured() ? percent(d.uptimePercent()) + " uptime" + (d.downtimeMinutes() > 0
                        ? ", " + d.downtimeMinutes() + " min down" : "") : "no data"))).toList());
        return m;
    }

    private Map<String, Object> componentDetail(StatusView.ComponentView c) {
        Map<String, Object> m = component(c);
        m.put("downDays", c.days().stream().filter(d -> d.downtimeMinutes() > 0).map(d -> Map.of("date", d.date(),
                "downtimeMinutes", d.downtimeMinutes(), "uptime", percent(d.uptimePercent()))).toList());
        m.put("incidents", view.incidents().stream().filter(i -> i.components().containsKey(c.component().id()))
                .map(this::incident).toList());
        return m;
    }

    Map<String, Object> maintenance(StatusView.MaintenanceView mv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", mv.id());
        m.put("name", mv.name());
        m.put("body", mv.body());
        m.put("statusLabel", mv.cancelledAt() != null ? "Cancelled" : label(mv.status()));
        m.put("from", HUMAN.format(mv.scheduledFor()));
        m.put("fromIso", StatuspageJson.time(mv.scheduledFor()));
        m.put("until", HUMAN.format(mv.scheduledUntil()));
        m.put("untilIso", StatuspageJson.time(mv.scheduledUntil()));
        m.put("componentNames", String.join(", ", mv.components().stream().map(this::name).toList()));
        return m;
    }

    private String name(String componentId) {
        return view.components().stream().filter(c -> c.component().id().equals(componentId))
                .map(c -> c.component().name()).findFirst().orElse(componentId);
    }

    static String percent(Double p) {
        return p == null ? "no data" : String.format(java.util.Locale.ROOT, "%.2f%%", Math.floor(p * 100) / 100);
    }

    /** A status in words: "partial_outage" reads "Partial outage". */
    static String label(String status) {
        String s = status.replace('_', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Template template(String id) {
        return ENGINE.getTemplate(id);
    }

    /** Templates from the classpath, HTML-escaped. */
    static final class Locator implements TemplateLocator {
        @Override
        public Optional<TemplateLocation> locate(String id) {
            String path = "status/" + id + (id.endsWith(".html") ? "" : ".html");
            InputStream in = StatusHtml.class.getClassLoader().getResourceAsStream(path);
            if (in == null) {
                return Optional.empty();
            }
            String text;
            try (in) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Optional.of(new TemplateLocation() {
                @Override
                public Reader read() {
                    return new StringReader(text);
                }

                @Override
                public Optional<Variant> getVariant() {
                    return Optional.of(Variant.forContentType(Variant.TEXT_HTML));
                }
            });
        }
    }
}
