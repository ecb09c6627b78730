package io.firebreak.functions.schedulemaintenance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.StatusComponents;
import io.firebreak.platform.FunctionError;

/** Schedules (or cancels) maintenance of status page components; it starts and completes by itself, with a dry run, audited. */
@Singleton
public class ScheduleMaintenanceFunction {

    /** A window is at most this long, and starts within this horizon. */
    static final Duration LONGEST = Duration.ofDays(7);
    static final Duration HORIZON = Duration.ofDays(90);

    @Inject
    ScheduleMaintenanceFlow flow;

    @Inject
    StatusComponents declared;

    @Inject
    Clock clock;

    @Funq("schedule-maintenance")
    public Uni<JsonNode> scheduleMaintenance(ScheduleMaintenanceInput input) {
        if (input == null) {
            throw FunctionError.badInput("missing_field", "title", "title, text, components, startsAt and endsAt are required");
        }
        if (input.getCancel() != null) {
            if (!ScheduleMaintenanceFlow.ID.matcher(input.getCancel()).matches()) {
                throw FunctionError.badInput("invalid_value", "cancel", "cancel names a maintenance id (MNT-YYYY-MM-DD-xxxxxx)");
            }
            String reason = IncidentActions.text(input.getReason(), "reason", 1000, true);
            return flow.cancel(input, input.getCancel(), reason);
        }
        String title = IncidentActions.text(input.getTitle(), "title", 200, true);
        String text = IncidentActions.text(input.getText(), "text", 2000, true);
        if (input.getComponents() == null || input.getComponents().isEmpty()) {
            throw FunctionError.badInput("missing_field", "components", "components names at least one declared component");
        }
        List<String> components = declared.ids(input.getComponents(), "components");
        Instant starts = instant(input.getStartsAt(), "startsAt");
        Instant ends = instant(input.getEndsAt(), "endsAt");
        Instant now = clock.instant();
        if (!ends.isAfter(starts)) {
            throw FunctionError.badInput("invalid_value", "endsAt", "endsAt is after startsAt");
        }
        if (!ends.isAfter(now)) {
            throw FunctionError.badInput("invalid_value", "endsAt", "the window is over already");
        }
        if (Duration.between(starts, ends).compareTo(LONGEST) > 0) {
            throw FunctionError.badInput("invalid_value", "endsAt", "a maintenance window is at most 7 days");
        }
        if (Duration.between(now, starts).compareTo(HORIZON) > 0) {
            throw FunctionError.badInput("invalid_value", "startsAt", "a maintenance starts within 90 days");
        }
        IncidentActions.text(input.getReason(), "reason", 1000, false);
        return flow.schedule(input, title, text, components, starts, ends);
    }

    private static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            throw FunctionError.badInput("missing_field", field, field + " is required (ISO-8601, e.g. 2026-12-02T01:00:00Z)");
        }
        try {
            return java.time.OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw FunctionError.badInput("invalid_value", field, field + " is an ISO-8601 instant with offset, e.g. 2026-12-02T01:00:00Z");
        }
    }
}
