package io.firebreak.providers.vendorstatus;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What a vendor's status answer says, in one shape whatever the kind: its own top-level
 * indicator and description, the components it reports (all of them for Statuspage, the affected
 * ones for the others), its open incidents and its maintenances in progress.
 */
public record VendorPage(Level vendorIndicator, String description, List<Component> components,
        List<VendorIncident> incidents, List<Maintenance> maintenances) {

    /** Statuspage's indicator scale, which every kind is mapped onto; unknown when the page could not be read. */
    public enum Level {
        NONE, MINOR, MAJOR, CRITICAL, UNKNOWN;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The worse of two known levels (unknown never wins over a known one). */
        public Level worst(Level other) {
            if (other == null || other == UNKNOWN) {
                return this;
            }
            if (this == UNKNOWN) {
                return other;
            }
            return other.ordinal() > ordinal() ? other : this;
        }

        public boolean trouble() {
            return this == MINOR || this == MAJOR || this == CRITICAL;
        }

        /** Statuspage's incident impact (none|minor|major|critical); anything else is minor: trouble of unknown size. */
        static Level impact(String impact) {
            if (impact == null) {
                return MINOR;
            }
            return switch (impact.toLowerCase(Locale.ROOT)) {
                case "none", "maintenance" -> NONE;
                case "minor" -> MINOR;
                case "major" -> MAJOR;
                case "critical" -> CRITICAL;
                default -> MINOR;
            };
        }
    }

    /** A component's status, on Statuspage's scale (incident.io's full_outage is mapped to major_outage). */
    public record Component(String name, String group, String status, Instant since) {

        public Level level() {
            return statusLevel(status);
        }
    }

    /** An open vendor incident; {@code impact} on Statuspage's scale; components it names (may be none: scope unknown). */
    public record VendorIncident(String id, String name, String status, String impact, Instant started, String url,
            List<Component> components) {
    }

    /** A maintenance in progress (upcoming ones are left out: they are not trouble now). */
    public record Maintenance(String id, String name, String status, Instant started, Instant ends, String url,
            List<Component> components) {
    }

    /** degraded_performance is minor, partial_outage major, major_outage critical (Statuspage's own top-level rule). */
    public static Level statusLevel(String status) {
        if (status == null) {
            return Level.NONE;
        }
        return switch (status) {
            case "degraded_performance" -> Level.MINOR;
            case "partial_outage" -> Level.MAJOR;
            case "major_outage", "full_outage" -> Level.CRITICAL;
            default -> Level.NONE;
        };
    }

    /** How an answer reads the status: "degraded performance", "a partial outage", "a major outage". */
    public static String phrase(String status) {
        return switch (status == null ? "" : status) {
            case "degraded_performance" -> "degraded performance";
            case "partial_outage" -> "a partial outage";
            case "major_outage", "full_outage" -> "a major outage";
            case "under_maintenance" -> "maintenance";
            default -> "trouble";
        };
    }

    /** A Statuspage component status, incident.io's full_outage folded into major_outage. */
    static String componentStatus(String status) {
        if (status == null || status.isBlank()) {
            return "unknown";
        }
        return status.equals("full_outage") ? "major_outage" : status;
    }
}
