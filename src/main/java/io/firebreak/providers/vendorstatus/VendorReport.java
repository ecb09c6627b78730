package io.firebreak.providers.vendorstatus;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.firebreak.providers.DeclaredUrl;
import io.firebreak.providers.vendorstatus.VendorPage.Component;
import io.firebreak.providers.vendorstatus.VendorPage.Level;
import io.firebreak.providers.vendorstatus.VendorPage.Maintenance;
import io.firebreak.providers.vendorstatus.VendorPage.VendorIncident;

/**
 * One dependency's status as firebreak answers it: the vendor's page narrowed to the components
 * that matter to us (an incident naming none of its components counts: its scope is unknown), the
 * indicator that follows from them, or why there is no answer (then the indicator is unknown).
 */
public record VendorReport(Dependency dependency, Level indicator, String description, List<Component> affected,
        List<VendorIncident> incidents, List<Maintenance> maintenances, Level vendorIndicator, String vendorDescription,
        Instant fetchedAt, String error, String skipped) {

    static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** The page narrowed to what matters to this dependency's declaration. */
    public static VendorReport of(Dependency d, VendorPage page, Instant fetchedAt) {
        List<Component> affected = page.components().stream()
                .filter(c -> !"operational".equals(c.status()) && d.matters(c.name(), c.group())).toList();
        List<VendorIncident> incidents = page.incidents().stream().filter(i -> i.components().isEmpty()
                || i.components().stream().anyMatch(c -> d.matters(c.name(), c.group()))).toList();
        Level level = Level.NONE;
        for (Component c : affected) {
            level = level.worst(c.level());
        }
        for (VendorIncident i : incidents) {
            level = level.worst(Level.impact(i.impact()));
        }
        if (d.kind() == Dependency.Kind.HEALTH) {
            // One URL failing says the vendor is in trouble, not how widely: major, never critical.
            level = page.vendorIndicator();
        } else if (d.components().isEmpty()) {
            // All of the vendor matters: its own verdict on the whole page stands.
            level = level.worst(page.vendorIndicator());
        }
        return new VendorReport(d, level, describe(d, level, affected, incidents, page), affected, incidents,
                page.maintenances(), page.vendorIndicator(), page.description(), fetchedAt, null, null);
    }

    public static VendorReport failed(Dependency d, String error, Instant at) {
        return new VendorReport(d, Level.UNKNOWN, "no answer: " + error, List.of(), List.of(), List.of(), Level.UNKNOWN, null,
                at, error, null);
    }

    public static VendorReport skipped(Dependency d, String why) {
        return new VendorReport(d, Level.UNKNOWN, "skipped: " + why, List.of(), List.of(), List.of(), Level.UNKNOWN, null, null,
                null, why);
    }

    public boolean trouble() {
        return indicator.trouble();
    }

    private static String describe(Dependency d, Level level, List<Component> affected, List<VendorIncident> incidents,
            VendorPage page) {
        if (!level.trouble()) {
            String mine = d.components().isEmpty() ? "operational" : "operational (" + String.join(", ", d.components()) + ")";
            if (!d.components().isEmpty() && page.vendorIndicator().trouble()) {
                return mine + "; the vendor reports " + page.description() + " elsewhere";
            }
            return mine;
        }
        if (d.kind() == Dependency.Kind.HEALTH) {
            return page.description();
        }
        return d.title() + " reports " + describeTrouble(affected, incidents);
    }

    /** "degraded performance: Database, eu-west-1 since 13:02 UTC", or the incident's name when no component is given. */
    public static String describeTrouble(List<Component> affected, List<VendorIncident> incidents) {
        Component worst = affected.stream().max(Comparator.comparingInt(c -> c.level().ordinal())).orElse(null);
        Instant since = null;
        for (VendorIncident i : incidents) {
            since = since == null || (i.started() != null && i.started().isBefore(since)) ? i.started() : since;
        }
        if (worst != null && worst.level().trouble()) {
            TreeSet<String> names = new TreeSet<>();
            for (Component c : affected) {
                if (c.level().trouble()) {
                    names.add(c.name());
                    if (c.group() != null) {
                        names.add(c.group());
                    }
                }
                if (since == null && c.since() != null) {
                    since = c.since();
                }
            }
            return VendorPage.phrase(worst.status()) + ": " + String.join(", ", names) + since(since);
        }
        if (!incidents.isEmpty()) {
            VendorIncident i = incidents.get(0);
            return impactPhrase(i.impact()) + ": " + i.name() + (incidents.size() > 1 ? " and " + (incidents.size() - 1) + " more"
                    : "") + since(since);
        }
        return "trouble";
    }

    static String impactPhrase(String impact) {
        return switch (impact == null ? "" : impact) {
            case "critical" -> "a critical incident";
            case "major" -> "a major incident";
            case "none" -> "a notice";
            default -> "an incident";
        };
    }

    static String since(Instant at) {
        return at == null ? "" : " since " + HHMM.format(at);
    }

    /** The answer's shape for this dependency (maps and lists only: native-safe JSON). */
    public Map<String, Object> toMap(Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", dependency.name());
        m.put("title", dependency.title());
        m.put("kind", dependency.kindId());
        m.put("page", dependency.url() == null ? null : DeclaredUrl.display(dependency.url()));
        m.put("components", dependency.components().isEmpty() ? "all" : dependency.components());
        m.put("indicator", indicator.json());
        m.put("description", description);
        if (skipped != null) {
            m.put("skipped", skipped);
            return m;
        }
        m.put("vendorIndicator", vendorIndicator.json());
        if (vendorDescription != null) {
            m.put("vendorDescription", vendorDescription);
        }
        List<Map<String, Object>> comps = new ArrayList<>();
        for (Component c : affected) {
            comps.add(component(c));
        }
        m.put("affectedComponents", comps);
        List<Map<String, Object>> open = new ArrayList<>();
        for (VendorIncident i : incidents) {
            open.add(incident(i));
        }
        m.put("incidents", open);
        List<Map<String, Object>> works = new ArrayList<>();
        for (Maintenance x : maintenances) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("name", x.name());
            w.put("status", x.status());
            w.put("started", x.started() == null ? null : x.started().toString());
            w.put("ends", x.ends() == null ? null : x.ends().toString());
            w.put("url", x.url());
            works.add(w);
        }
        m.put("maintenances", works);
        m.put("fetchedAt", fetchedAt == null ? null : fetchedAt.toString());
        m.put("ageMs", fetchedAt == null ? null : Math.max(0, now.toEpochMilli() - fetchedAt.toEpochMilli()));
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    public static Map<String, Object> component(Component c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        if (c.group() != null) {
            m.put("group", c.group());
        }
        m.put("status", c.status());
        return m;
    }

    public static Map<String, Object> incident(VendorIncident i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("name", i.name());
        m.put("status", i.status());
        m.put("impact", i.impact());
        m.put("started", i.started() == null ? null : i.started().toString());
        m.put("url", i.url());
        if (!i.components().isEmpty()) {
            m.put("components", i.components().stream().map(VendorReport::component).toList());
        }
        return m;
    }
}
