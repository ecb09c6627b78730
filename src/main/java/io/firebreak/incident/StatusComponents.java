package io.firebreak.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest;

/**
 * The public status page's declared parts, shared by the functions that publish (declare, update
 * and resolve an incident, schedule maintenance, override a component) and the page itself: the
 * manifest's {@code status:} settings and {@code components:} with the signals that drive each.
 */
@ApplicationScoped
public class StatusComponents {

    /** Statuspage's component statuses, best first. */
    public static final List<String> STATES = List.of("operational", "under_maintenance", "degraded_performance",
            "partial_outage", "major_outage");

    /** Statuspage's incident update statuses a post may carry. */
    public static final List<String> POST_STATUSES = List.of("investigating", "identified", "monitoring", "resolved");

    static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,40}");

    /**
     * One component: its id (in URLs and inputs), display name, description, group, and the signals
     * that set its state: confirm-outage checks, declared run-check names, incident fingerprints
     * (exact, or a prefix ending in *).
     */
    public record Component(String id, String name, String description, String group, List<String> checks,
            List<String> declaredChecks, List<String> fingerprints) {

        /** Whether an incident with this fingerprint affects this component. */
        public boolean affectedBy(String fingerprint) {
            if (fingerprint == null) {
                return false;
            }
            if (fingerprint.startsWith("check/") && declaredChecks.contains(fingerprint.substring(6))) {
                return true;
            }
            if (fingerprint.startsWith("target/") && checks.contains(fingerprint.substring(7))) {
                return true;
            }
            for (String f : fingerprints) {
                if (f.endsWith("*") ? fingerprint.startsWith(f.substring(0, f.length() - 1)) : fingerprint.equals(f)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The page: its name, public address (for links in messages and feeds), and time zone. */
    public record Page(String name, Optional<String> url, String timeZone) {
    }

    /** Who must approve a public post before it is published, and for which severities (none declared: no approval). */
    public record PostApproval(FunctionManifest.ApprovalPolicy policy, List<Severity> severities) {
    }

    @Inject
    FunctionAdmission admission;

    @ConfigProperty(name = "firebreak.status.url")
    Optional<String> url;

    private final Declared<Map<String, Component>> components = new Declared<>(() -> parse(admission.manifest()));
    private final Declared<Optional<PostApproval>> approval = new Declared<>(() -> approval(admission.manifest()));

    /** The declared approval of public posts, if any. */
    public Optional<PostApproval> approval() {
        return approval.get();
    }

    static Optional<PostApproval> approval(FunctionManifest manifest) {
        JsonNode s = manifest.settings("status");
        if (!s.has("approval")) {
            return Optional.empty();
        }
        List<Severity> ranks = new ArrayList<>();
        for (JsonNode r : s.path("approvalFor")) {
            try {
                ranks.add(Severity.valueOf(r.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(FunctionManifest.RESOURCE + ": status.approvalFor lists ranks P0..P3, not "
                        + r.asText());
            }
        }
        return Optional.of(new PostApproval(FunctionManifest.ApprovalPolicy.parse("status", s.get("approval")),
                ranks.isEmpty() ? List.of(Severity.values()) : List.copyOf(ranks)));
    }

    public Map<String, Component> components() {
        return components.get();
    }

    public Page page() {
        JsonNode s = admission.manifest().settings("status");
        return new Page(s.path("name").asText("Status"), url.filter(u -> !u.isBlank()).map(u -> u.replaceAll("/+$", "")),
                s.path("timeZone").asText("UTC"));
    }

    /** The {statusPage} placeholder of messages: the page's address, or a plain phrase when none is set. */
    public String link() {
        return page().url().orElse("our status page");
    }

    /** Component ids from an input, each declared; the field names the input. */
    public List<String> ids(List<String> ids, String field) {
        if (ids == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            if (id == null || !components().containsKey(id)) {
                throw FunctionError.badInput("unknown_component", field, "no component '" + id + "'; declared: "
                        + components().keySet());
            }
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    public static Map<String, Component> parse(FunctionManifest manifest) {
        return manifest.section("components", "component", StatusComponents::component, Component::id);
    }

    static Component component(JsonNode c) {
        String id = FunctionManifest.required(c, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": component id " + id
                    + " is lower-case letters, digits and -");
        }
        JsonNode signals = c.path("signals");
        return new Component(id, FunctionManifest.required(c, "name"), c.path("description").asText(""),
                c.path("group").isMissingNode() ? null : c.path("group").asText(), list(signals.path("checks")),
                list(signals.path("declaredChecks")), list(signals.path("fingerprints")));
    }

    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }
}
