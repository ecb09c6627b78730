package io.firebreak.functions.statuspage;

import java.time.Instant;
import java.util.List;

import io.firebreak.incident.Severity;
import io.firebreak.incident.StatusComponents;
import io.firebreak.incident.StatusComponents.Component;

/**
 * How a component's public state is derived, strongest first: an explicit (audited) override; a
 * maintenance in progress; otherwise the worst of what its open public incidents posted, what its
 * open incidents' severities imply, and what the latest probe saw of its checks.
 */
final class ComponentStates {

    private ComponentStates() {
    }

    /** The state and, in a few words, why (never an internal word: only which signal). */
    static String[] derive(Component c, Instant now, StatusReads.Override override,
            List<StatusView.MaintenanceView> maintenances, List<StatusView.IncidentView> posts,
            List<StatusReads.OpenIncident> incidents, StatusReads.Probe probe) {
        if (override != null && override.status() != null
                && (override.expiresAt() == null || now.isBefore(override.expiresAt()))) {
            return new String[] {override.status(), "set by the team"};
        }
        for (StatusView.MaintenanceView m : maintenances) {
            if (m.active() && m.components().contains(c.id())) {
                return new String[] {"under_maintenance", "scheduled maintenance"};
            }
        }
        String state = "operational";
        String why = "no open incident";
        for (StatusView.IncidentView i : posts) {
            String posted = i.unresolved() ? i.components().get(c.id()) : null;
            if (posted != null && worse(posted, state)) {
                state = posted;
                why = "incident " + i.id();
            }
        }
        for (StatusReads.OpenIncident i : incidents) {
            if (i.resolvedAt() == null && c.affectedBy(i.fingerprint())) {
                String implied = fromSeverity(i.rank());
                // A public post about this incident says how it affects the component; it wins.
                boolean posted = posts.stream().anyMatch(p -> p.id().equals(i.id()) && p.components().containsKey(c.id()));
                if (!posted && worse(implied, state)) {
                    state = implied;
                    why = "incident " + i.id();
                }
            }
        }
        if (probe != null) {
            for (String check : c.checks()) {
                String seen = probe.checks().get(check);
                String implied = "fail".equals(seen) ? ("outage".equals(probe.verdict()) ? "major_outage" : "partial_outage")
                        : "warn".equals(seen) ? "degraded_performance" : null;
                if (implied != null && worse(implied, state)) {
                    state = implied;
                    why = "probe " + check + " at " + probe.at();
                }
            }
        }
        return new String[] {state, why};
    }

    static String fromSeverity(Severity rank) {
        return switch (rank) {
            case P0 -> "major_outage";
            case P1 -> "partial_outage";
            default -> "degraded_performance";
        };
    }

    static boolean worse(String a, String b) {
        return StatusComponents.STATES.indexOf(a) > StatusComponents.STATES.indexOf(b);
    }
}
