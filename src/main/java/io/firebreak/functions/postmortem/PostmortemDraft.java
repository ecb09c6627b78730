package io.firebreak.functions.postmortem;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentMessages;

/**
 * Renders the seeds' post-mortem templates as Markdown from the record: seed 001's incident report
 * (its appendix), seed 003's postmortem and seed 004's. What the record knows is filled in —
 * metadata, milestones with durations, every timeline event, tenants affected, actions with rows
 * affected; what only people know (root cause, lessons, action items) is left as sections to fill.
 */
final class PostmortemDraft {

    static final List<String> TEMPLATES = List.of("seed-001", "seed-003", "seed-004");
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    static final String FILL = "_To fill in._";

    /** A milestone of the incident and how long after detection it came. */
    record Milestone(String name, Instant at) {
    }

    /** An action taken, from its timeline entry: the function, its audit record and the rows it changed. */
    record Action(Instant at, String function, long auditId, long rows, String summary) {
    }

    private final Incident i;
    private final Instant now;

    PostmortemDraft(Incident incident, Instant now) {
        this.i = incident;
        this.now = now;
    }

    Instant detected() {
        Instant first = i.openedAt();
        for (Incident.Event e : i.timeline()) {
            if (e.at().isBefore(first)) {
                first = e.at();
            }
        }
        return first;
    }

    List<Milestone> milestones() {
        List<Milestone> m = new ArrayList<>();
        m.add(new Milestone("Detected", detected()));
        m.add(new Milestone("Declared " + i.severity(), i.openedAt()));
        if (i.acknowledgedAt() != null) {
            m.add(new Milestone("Acknowledged by " + i.acknowledgedBy(), i.acknowledgedAt()));
        }
        if (i.mitigatedAt() != null) {
            m.add(new Milestone("Mitigation started", i.mitigatedAt()));
        }
        if (i.resolvedAt() != null) {
            m.add(new Milestone(Boolean.TRUE.equals(i.resolutionForced()) ? "Resolved (forced)" : "Resolved", i.resolvedAt()));
        }
        return m;
    }

    List<Action> actions() {
        List<Action> out = new ArrayList<>();
        for (Incident.Event e : i.timeline()) {
            if (e.kind().equals("action") && e.detail() instanceof JsonNode d) {
                out.add(new Action(e.at(), d.path("function").asText(), d.path("auditId").asLong(), d.path("rows").asLong(),
                        e.summary()));
            }
        }
        return out;
    }

    /** Tenants named at declaration, notified, or acted on. */
    Set<String> tenants() {
        Set<String> out = new TreeSet<>(i.tenants());
        for (Incident.Event e : i.timeline()) {
            if (e.detail() instanceof JsonNode d && d.hasNonNull("tenantId")) {
                out.add(d.get("tenantId").asText());
            }
        }
        return out;
    }

    Duration duration() {
        return Duration.between(detected(), i.resolvedAt() == null ? now : i.resolvedAt());
    }

    String render(String template) {
        return switch (template) {
            case "seed-003" -> seed003();
            case "seed-004" -> seed004();
            default -> seed001();
        };
    }

    private String seed001() {
        StringBuilder md = new StringBuilder();
        md.append("# Incident Report: ").append(i.title()).append("\n\n");
        md.append("**Incident ID**: ").append(i.id()).append("  \n");
        md.append("**Severity**: ").append(i.severity()).append("  \n");
        md.append("**Status**: ").append(cap(i.status())).append("  \n");
        md.append("**Incident Lead**: ").append(or(i.commander(), "unassigned")).append("  \n");
        md.append("**Start Time**: ").append(STAMP.format(detected())).append("  \n");
        md.append("**End Time**: ").append(i.resolvedAt() == null ? "ongoing" : STAMP.format(i.resolvedAt())).append("  \n");
        md.append("**Duration**: ").append(hhmm(duration())).append("\n\n");
        md.append("## Summary\n").append(or(i.impact(), FILL)).append("\n\n");
        impact(md, "## Impact\n");
        md.append("- **Revenue Impact**: ").append(FILL).append("\n");
        md.append("- **Data Loss**: ").append(FILL).append("\n\n");
        vendors(md, "## Vendor Incidents\n");
        timeline(md, "## Timeline\n");
        md.append("## Root Cause\n").append(FILL).append("\n\n");
        md.append("## Resolution\n").append(or(i.resolution(), FILL)).append("\n\n");
        md.append("## Action Items\n- [ ] ").append(FILL).append(" - Owner: [NAME] - Due: [DATE]\n\n");
        md.append("## Lessons Learned\n**What Went Well**:\n- ").append(FILL).append("\n\n");
        md.append("**What Could Be Improved**:\n- ").append(FILL).append("\n\n");
        md.append("## References\n- Incident Channel: ").append(or(i.channel(), "none")).append("\n");
        return md.toString();
    }

    private String seed003() {
        StringBuilder md = new StringBuilder();
        md.append("# Incident Postmortem: ").append(i.severity()).append(" ").append(i.title()).append("\n\n");
        md.append("## Metadata\n");
        md.append("- **Incident:** ").append(i.id()).append("\n");
        md.append("- **Date:** ").append(DAY.format(detected())).append("\n");
        md.append("- **Duration:** ").append(hoursMinutes(duration())).append("\n");
        md.append("- **Severity:** ").append(i.severity()).append("\n");
        md.append("- **IC:** ").append(or(i.commander(), "unassigned")).append("\n");
        md.append("- **Scribe:** ").append(or(i.roles().get("scribe"), "unassigned")).append("\n\n");
        md.append("## Summary\n").append(or(i.impact(), FILL)).append("\n\n");
        timeline(md, "## Timeline\n");
        impact(md, "## Impact\n");
        md.append("- **Duration:** ").append(duration().toMinutes()).append(" minutes\n\n");
        vendors(md, "## Vendor Incidents\n");
        md.append("## Root Cause\n").append(FILL).append("\n\n");
        md.append("## Detection\n- **How detected:** ").append(i.source()).append("\n");
        md.append("- **Time to detect:** ").append(Duration.between(detected(), i.openedAt()).toMinutes())
                .append(" minutes (detection to declaration)\n\n");
        md.append("## Response\n- **Time to mitigate:** ")
                .append(i.mitigatedAt() == null ? "not mitigated" : Duration.between(detected(), i.mitigatedAt()).toMinutes()
                        + " minutes")
                .append("\n\n");
        md.append("## Resolution\n").append(or(i.resolution(), FILL)).append("\n\n");
        md.append("## Action Items\n| Action | Owner | Due Date | Priority |\n|--------|-------|----------|----------|\n");
        md.append("| ").append(FILL).append(" | | | |\n\n");
        md.append("## Lessons Learned\n- ").append(FILL).append("\n");
        return md.toString();
    }

    private String seed004() {
        StringBuilder md = new StringBuilder();
        md.append("# Incident Post-Mortem: ").append(i.title()).append("\n\n");
        md.append("Date: ").append(DAY.format(detected())).append("\n");
        md.append("Severity: ").append(i.severity()).append("\n");
        md.append("Duration: ").append(hoursMinutes(duration())).append("\n\n");
        md.append("## Summary\n\n").append(or(i.impact(), FILL)).append("\n\n");
        timeline(md, "## Timeline\n\n");
        md.append("## Root Cause\n\n").append(FILL).append("\n\n");
        impact(md, "## Impact\n\n");
        md.append("\n");
        vendors(md, "## Vendor Incidents\n\n");
        md.append("## Resolution\n\n").append(or(i.resolution(), FILL)).append("\n\n");
        md.append("## Lessons Learned\n\n").append(FILL).append("\n\n");
        md.append("## Action Items\n\n- [ ] ").append(FILL).append("\n\n");
        md.append("## Prevention\n\n").append(FILL).append("\n");
        return md.toString();
    }

    private void timeline(StringBuilder md, String heading) {
        Instant detected = detected();
        md.append(heading);
        md.append("| Time (UTC) | Since detection | Event |\n|------------|-----------------|-------|\n");
        for (Milestone m : milestones()) {
            md.append("| ").append(HHMM.format(m.at())).append(" | +").append(IncidentMessages.duration(
                    Duration.between(detected, m.at()))).append(" | **").append(m.name()).append("** |\n");
        }
        md.append("\n| Time (UTC) | Source | Event |\n|------------|--------|-------|\n");
        for (Incident.Event e : i.timeline()) {
            md.append("| ").append(HHMM.format(e.at())).append(" | ").append(cell(e.source())).append(" | ")
                    .append(cell(e.kind() + ": " + e.summary())).append(" |\n");
        }
        md.append("\n");
        whatChanged(md, heading.endsWith("\n\n") ? "## What changed\n\n" : "## What changed\n");
    }

    /** Seeds 001-004 ask "what changed recently?": the list recent-changes put on the timeline at declaration. */
    private void whatChanged(StringBuilder md, String heading) {
        Incident.Event e = i.timeline().stream().filter(x -> x.kind().equals("what-changed")).findFirst().orElse(null);
        if (e == null || !(e.detail() instanceof JsonNode d)) {
            return;
        }
        String basis = d.path("window").path("basis").asText("the window");
        md.append(heading).append(cap(cell(basis))).append(" (").append(stamp(d.path("window").path("since")))
                .append(" to ").append(stamp(d.path("window").path("until"))).append("): ")
                .append(cell(d.path("summary").asText())).append("\n\n");
        JsonNode gh = d.path("github");
        for (JsonNode c : gh.path("commits").path("items")) {
            md.append("- Commit `").append(c.path("sha").asText()).append("` ").append(cell(c.path("message").asText("")))
                    .append(" (").append(c.path("author").asText("?")).append(", ").append(c.path("at").asText()).append(")\n");
        }
        for (JsonNode p : gh.path("pulls").path("items")) {
            md.append("- Merged #").append(p.path("number").asInt()).append(" ").append(cell(p.path("title").asText("")))
                    .append(" (").append(p.path("author").asText("?")).append(", ").append(p.path("mergedAt").asText()).append(")\n");
        }
        for (JsonNode x : gh.path("deployments").path("items")) {
            md.append("- Deployment ").append(x.path("id").asText()).append(" to ").append(x.path("environment").asText("?"))
                    .append(" of ").append(x.path("ref").asText("?")).append(": ").append(x.path("state").asText("state unknown"))
                    .append(" (").append(x.path("createdAt").asText()).append(")\n");
        }
        for (JsonNode m : d.path("migrations").path("latest")) {
            if (m.path("inWindow").asBoolean()) {
                md.append("- Migration ").append(m.path("version").asText()).append(" ").append(cell(m.path("name").asText("")))
                        .append("\n");
            }
        }
        for (JsonNode s : d.path("railway").path("services")) {
            for (JsonNode x : s.path("items")) {
                md.append("- Railway ").append(s.path("service").asText()).append(" deployment ").append(x.path("id").asText())
                        .append(": ").append(x.path("status").asText()).append(" (").append(x.path("createdAt").asText()).append(")\n");
            }
        }
        md.append("\n");
    }

    private void impact(StringBuilder md, String heading) {
        Set<String> tenants = tenants();
        md.append(heading);
        md.append("- **Tenants affected**: ").append(tenants.size());
        if (!tenants.isEmpty()) {
            md.append(" (").append(String.join(", ", tenants)).append(")");
        }
        md.append("\n");
        md.append("- **Impact**: ").append(or(i.impact(), FILL)).append("\n");
        List<Action> actions = actions();
        md.append("- **Actions taken**: ").append(actions.size()).append("\n");
        for (Action a : actions) {
            md.append("  - ").append(HHMM.format(a.at())).append(" ").append(a.function()).append(": ").append(a.rows())
                    .append(" rows affected (audit #").append(a.auditId()).append(")\n");
        }
        List<Incident.Event> overrides = i.timeline().stream().filter(e -> e.kind().equals("approval-override")).toList();
        if (!overrides.isEmpty()) {
            // Break-glass applies skipped the second pair of eyes: the review must look at each one.
            md.append("- **Approval overrides to review**: ").append(overrides.size()).append("\n");
            for (Incident.Event e : overrides) {
                md.append("  - ").append(HHMM.format(e.at())).append(" ").append(cell(e.summary())).append("\n");
            }
        }
    }

    /** A vendor incident the dependency watch noted while this incident was open (one per vendor incident or component set). */
    record VendorNote(Instant notedAt, String vendor, String name, String status, String impact, String started, String url) {
    }

    /** The vendor incidents the timeline holds, from the dependency watch's vendor-status events, each once. */
    List<VendorNote> vendorNotes() {
        List<VendorNote> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Incident.Event e : i.timeline()) {
            if (!e.kind().equals("vendor-status") || !(e.detail() instanceof JsonNode d)) {
                continue;
            }
            String vendor = d.path("title").asText(d.path("dependency").asText());
            if (!seen.add(d.path("key").asText(e.summary()))) {
                continue;
            }
            if (d.path("vendorIncidents").isEmpty()) {
                out.add(new VendorNote(e.at(), vendor, e.summary(), null, d.path("indicator").asText(null), null,
                        d.path("page").asText(null)));
            }
            for (JsonNode v : d.path("vendorIncidents")) {
                out.add(new VendorNote(e.at(), vendor, v.path("name").asText(), v.path("status").asText(null),
                        v.path("impact").asText(null), v.path("started").asText(null), v.path("url").asText(null)));
            }
        }
        return out;
    }

    private void vendors(StringBuilder md, String heading) {
        List<VendorNote> notes = vendorNotes();
        md.append(heading);
        if (notes.isEmpty()) {
            md.append("No vendor reported trouble while this incident was open (check-dependencies' watch noted none).\n\n");
            return;
        }
        md.append("| Vendor | Vendor incident | Impact | Started (UTC) | Noted (UTC) | Link |\n");
        md.append("|--------|-----------------|--------|---------------|-------------|------|\n");
        for (VendorNote n : notes) {
            String started = "";
            if (n.started() != null) {
                try {
                    started = STAMP.format(Instant.parse(n.started()));
                } catch (java.time.format.DateTimeParseException ex) {
                    started = n.started();
                }
            }
            md.append("| ").append(cell(n.vendor())).append(" | ").append(cell(n.name()))
                    .append(n.status() == null ? "" : " (" + cell(n.status()) + ")").append(" | ")
                    .append(n.impact() == null ? "" : cell(n.impact())).append(" | ").append(started).append(" | ")
                    .append(HHMM.format(n.notedAt())).append(" | ").append(n.url() == null ? "" : cell(n.url())).append(" |\n");
        }
        md.append("\n");
    }

    private static String stamp(JsonNode at) {
        try {
            return STAMP.format(Instant.parse(at.asText()));
        } catch (java.time.format.DateTimeParseException e) {
            return at.asText("?");
        }
    }

    static String cell(String s) {
        return s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    static String hhmm(Duration d) {
        long m = d.toMinutes();
        return "%02d:%02d".formatted(m / 60, m % 60);
    }

    static String hoursMinutes(Duration d) {
        long m = d.toMinutes();
        return (m / 60) + " hours " + (m % 60) + " minutes";
    }

    private static String or(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
