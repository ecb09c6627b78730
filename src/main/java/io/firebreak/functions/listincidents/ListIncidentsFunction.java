package io.firebreak.functions.listincidents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.Severity;
import io.firebreak.incident.SeverityScale;
import io.firebreak.platform.FunctionError;

/** Lists incidents, open ones by default, filtered by severity and opened since, newest first. */
@Singleton
public class ListIncidentsFunction {

    static final int MAX = 200;

    @Inject
    IncidentStore incidents;

    @Inject
    SeverityScale scale;

    @Inject
    Clock clock;

    @Funq("list-incidents")
    public Uni<Map<String, Object>> listIncidents(ListIncidentsInput input) {
        ListIncidentsInput in = input == null ? new ListIncidentsInput() : input;
        List<Severity> ranks = new ArrayList<>();
        if (in.getSeverity() != null && !in.getSeverity().isBlank()) {
            for (String label : in.getSeverity().split(",")) {
                ranks.add(scale.parse(label).orElseThrow(() -> FunctionError.badInput("invalid_value", "severity",
                        "severity is a comma-separated list of " + scale.labels())));
            }
        }
        Instant since = since(in.getSince());
        int limit = in.getLimit() == null ? 50 : in.getLimit();
        if (limit < 1 || limit > MAX) {
            throw FunctionError.badInput("invalid_value", "limit", "limit is 1 to " + MAX);
        }
        boolean open = !Boolean.FALSE.equals(in.getOpen());
        return incidents.list(open, ranks, since, limit).map(list -> Map.of("count", list.size(), "incidents",
                list.stream().map(ListIncidentsFunction::summary).toList()));
    }

    /** An ISO instant, or a look-back such as 30m, 24h, 7d. */
    Instant since(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration ago = io.firebreak.platform.Durations.span(value);
        if (ago != null) {
            return clock.instant().minus(ago);
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw FunctionError.badInput("invalid_value", "since", "since is an ISO instant (2026-11-23T10:00:00Z) or 30m, 24h, 7d");
        }
    }

    static Map<String, Object> summary(Incident i) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", i.id());
        m.put("title", i.title());
        m.put("severity", i.severity());
        m.put("status", i.status());
        m.put("openedAt", i.openedAt());
        m.put("resolvedAt", i.resolvedAt());
        m.put("commander", i.commander());
        m.put("acknowledged", i.acknowledgedAt() != null);
        m.put("escalationLevel", i.escalationLevel());
        m.put("nextUpdateDue", i.nextUpdateDue());
        m.put("channel", i.channel());
        return m;
    }
}
