package io.firebreak.functions.recentchanges;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentIds;
import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.Durations;
import io.firebreak.platform.FunctionError;

/** Lists what changed before an incident or over a window (GitHub commits, deployments and merged pull requests; the app's migrations; Railway deployments), read-only. */
@Singleton
public class RecentChangesFunction {

    /** The window when none is given: the 2 h before the incident opened, or before now. */
    static final Duration DEFAULT = Duration.ofHours(2);
    static final Duration LONGEST = Duration.ofDays(7);
    /** Clocks differ by a little: an until this far ahead of now is still "now". */
    static final Duration SKEW = Duration.ofMinutes(5);

    @Inject
    RecentChanges changes;

    @Inject
    IncidentStore incidents;

    @Inject
    Clock clock;

    @Funq("recent-changes")
    public Uni<Map<String, Object>> recentChanges(RecentChangesInput input) {
        RecentChangesInput in = input == null ? new RecentChangesInput() : input;
        Instant now = clock.instant();
        String incidentId = blankToNull(in.getIncidentId());
        if (incidentId != null) {
            if (!IncidentIds.valid(incidentId)) {
                throw FunctionError.badInput("invalid_value", "incidentId", "incidentId must look like INC-YYYY-MM-DD-NNN");
            }
            if (blankToNull(in.getSince()) != null || blankToNull(in.getUntil()) != null) {
                throw FunctionError.badInput("invalid_value", "since",
                        "give incidentId (the 2 h before it opened) or since/until, not both");
            }
            return incidents.find(incidentId).flatMap(found -> {
                if (found.isEmpty()) {
                    throw new FunctionError(404, "incident_not_found", "no incident " + incidentId, "incidentId");
                }
                Instant opened = found.get().openedAt();
                return answer(incidentId, new RecentChanges.Window(opened.minus(DEFAULT), opened,
                        "the 2 h before " + incidentId + " opened"));
            });
        }
        return answer(null, window(in, now));
    }

    static RecentChanges.Window window(RecentChangesInput in, Instant now) {
        Instant until = instant(in.getUntil(), "until", now);
        Instant since = instant(in.getSince(), "since", now);
        if (until == null) {
            until = now;
        } else if (until.isAfter(now.plus(SKEW))) {
            throw FunctionError.badInput("invalid_value", "until", "until is in the future");
        }
        boolean given = since != null;
        if (since == null) {
            since = until.minus(DEFAULT);
        }
        if (!since.isBefore(until)) {
            throw FunctionError.badInput("invalid_value", "since", "since must be before until");
        }
        if (Duration.between(since, until).compareTo(LONGEST) > 0) {
            throw FunctionError.badInput("invalid_value", "since", "the window is at most 7 days");
        }
        String basis = given || in.getUntil() != null ? "as asked" : "the 2 h before now";
        return new RecentChanges.Window(since, until, basis);
    }

    /** An ISO-8601 instant (2026-12-01T13:00:00Z), or a span before now (90m, 6h, 2d); null when absent. */
    static Instant instant(String value, String field, Instant now) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        if (v.length() > 40) {
            throw FunctionError.badInput("invalid_value", field, field + " is an ISO-8601 instant or a span such as 6h");
        }
        Duration span = Durations.span(v);
        if (span != null) {
            if (span.compareTo(LONGEST) > 0) {
                throw FunctionError.badInput("invalid_value", field, field + " reaches back at most 7d");
            }
            return now.minus(span);
        }
        try {
            return java.time.OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw FunctionError.badInput("invalid_value", field,
                    field + " is an ISO-8601 instant such as 2026-12-01T13:00:00Z, or a span before now such as 6h");
        }
    }

    private Uni<Map<String, Object>> answer(String incidentId, RecentChanges.Window w) {
        return changes.gather(w).map(gathered -> {
            if (incidentId == null) {
                return gathered;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("incidentId", incidentId);
            out.putAll(gathered);
            return out;
        });
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
