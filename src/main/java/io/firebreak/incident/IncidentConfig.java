package io.firebreak.incident;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The incident lifecycle's settings: severity scale, escalation, cadence, resolution criteria, templates. */
@ConfigMapping(prefix = "firebreak.incidents")
public interface IncidentConfig {

    /** p0-p3 (seeds 000-002), sev1-sev4 (seed 003) or p1-p4 (seed 004). */
    @WithDefault("p0-p3")
    String scale();

    /** Per-level overrides of the scale's defaults, keyed by the level's label (P0, SEV2, ...). */
    Map<String, LevelOverride> levels();

    /** How long before a status update is due the commander is reminded. */
    @WithDefault("5m")
    Duration updateReminderLead();

    /** The watch job's cron (Quartz; "off" disables it in-process). */
    @WithDefault("15 * * * * ?")
    String watchCron();

    Escalation escalation();

    Resolution resolution();

    Postmortem postmortem();

    Channel channel();

    Templates templates();

    /** One level's response time and update cadence ("off": no cadence). */
    interface LevelOverride {
        Optional<Duration> responseTime();

        Optional<String> updateEvery();
    }

    /** Seed 004's levels by elapsed time (seed 001's path), with who each level reaches. */
    interface Escalation {
        List<Level> levels();

        /**
         * How many of the most severe levels escalate by elapsed time (default 2: P0 and P1); the
         * others escalate only when nobody acknowledges them within their response time.
         */
        @WithDefault("2")
        int timeBasedLevels();

        /**
         * Level 1 of an incident a monitor or the schedule declared: background (visited right after
         * the declaration commits: the HTTP service), schedule (by the watch's next run: Lambda), off.
         */
        @WithDefault("background")
        AfterDeclaration pageAtDeclaration();
    }

    /** When the work that follows a declaration runs. */
    enum AfterDeclaration {
        BACKGROUND, SCHEDULE, OFF
    }

    /** One escalation level: who, after how long unresolved, and their Slack ids or #channels and emails. */
    interface Level {
        String name();

        Duration after();

        Optional<List<String>> slack();

        Optional<List<String>> email();

        /**
         * PagerDuty for this level: "on" pages PAGERDUTY_ROUTING_KEY's service, "off" (or unset) none, anything
         * else is this level's own 32-character routing key.
         */
        Optional<String> pagerduty();
    }

    /** Seed 001's "when to declare resolved". */
    interface Resolution {
        /** healthy-probes, error-rate. */
        @WithDefault("healthy-probes,error-rate")
        List<String> criteria();

        @WithDefault("30m")
        Duration window();

        /** Longest gap between confirmations that still counts as "healthy throughout". */
        @WithDefault("5m")
        Duration maxProbeGap();

        /** Errors per request (error_logs / (error_logs + audit_logs)) that still counts as recovered. */
        @WithDefault("0.01")
        double maxErrorRate();
    }

    /** The post-mortem, due within 48 hours of resolution (every seed). */
    interface Postmortem {
        @WithDefault("48h")
        Duration due();

        /** seed-001, seed-003 or seed-004; by default the one that goes with the scale. */
        Optional<String> template();
    }

    /** The incident's Slack channel (seed 001's #incident-YYYY-MM-DD-HH-MM), and the room when there is none. */
    interface Channel {
        @WithDefault("true")
        boolean perIncident();

        /** Where messages go when an incident has no channel of its own (e.g. #incidents). */
        Optional<String> fallback();
    }

    /** The seeds' message templates; {placeholders} are filled from the record. */
    interface Templates {
        String declaration();

        String update();

        String resolution();

        String escalation();

        String updateDue();

        String updateOverdue();

        String postmortemReminder();
    }
}
