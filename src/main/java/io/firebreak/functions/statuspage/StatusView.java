package io.firebreak.functions.statuspage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

import io.firebreak.incident.StatusComponents;

/**
 * Everything the public page shows at one moment, read once and rendered into every format (HTML,
 * Statuspage v2 JSON, feeds, badge), so all of them tell the same story.
 */
@RegisterForReflection
record StatusView(StatusComponents.Page page, Instant at, List<ComponentView> components, List<IncidentView> incidents,
        List<MaintenanceView> maintenances) {

    /** A component's derived state, why, and its 90 days. */
    @RegisterForReflection
    record ComponentView(StatusComponents.Component component, String status, String why, Instant updatedAt,
            List<Day> days, Double uptimePercent) {
    }

    /** One day's bar: measured or not, weighted downtime minutes, the worst state seen, and the minutes it spans. */
    @RegisterForReflection
    record Day(String date, boolean measured, int downtimeMinutes, String worst, Double uptimePercent, int minutes) {
    }

    /** A public incident: only what its posts said, plus times and the cadence's next update. */
    @RegisterForReflection
    record IncidentView(String id, String name, String status, String impact, Instant createdAt, Instant updatedAt,
            Instant monitoringAt, Instant resolvedAt, String postmortemLink, Instant nextUpdateDue, List<Update> updates,
            Map<String, String> components) {

        boolean unresolved() {
            return !"resolved".equals(status);
        }
    }

    /** One public update. */
    @RegisterForReflection
    record Update(long id, String status, String body, Instant at, Map<String, String> components) {
    }

    /** A maintenance window; its status follows the clock. */
    @RegisterForReflection
    record MaintenanceView(String id, String name, String body, List<String> components, Instant scheduledFor,
            Instant scheduledUntil, Instant createdAt, Instant cancelledAt, String status) {

        boolean active() {
            return "in_progress".equals(status);
        }

        boolean upcoming() {
            return "scheduled".equals(status);
        }
    }

    /** Statuspage's page indicator and its words, from the worst component and the open incidents. */
    String indicator() {
        String worst = worst();
        int impact = incidents.stream().filter(IncidentView::unresolved).mapToInt(i -> IMPACTS.indexOf(i.impact()))
                .max().orElse(0);
        int fromComponents = switch (worst) {
            case "major_outage" -> 3;
            case "partial_outage" -> 2;
            case "degraded_performance" -> 1;
            default -> 0;
        };
        int level = Math.max(impact, fromComponents);
        if (level == 0 && worst.equals("under_maintenance")) {
            return "maintenance";
        }
        return IMPACTS.get(level);
    }

    String description() {
        return switch (indicator()) {
            case "critical" -> "Major System Outage";
            case "major" -> "Partial System Outage";
            case "minor" -> "Minor Service Outage";
            case "maintenance" -> "Service Under Maintenance";
            default -> "All Systems Operational";
        };
    }

    static final List<String> IMPACTS = List.of("none", "minor", "major", "critical");

    String worst() {
        return components.stream().map(ComponentView::status)
                .max(java.util.Comparator.comparingInt(StatusComponents.STATES::indexOf)).orElse("operational");
    }
}
