package io.firebreak.functions.platformlogs;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentIds;
import io.firebreak.platform.FunctionError;
import io.firebreak.providers.supabase.SupabaseLogQueries;

/** Reads the platform's logs over a window: Supabase Edge Function responses by status, auth failures and a function log tail; Sentry error volume against the previous period and the top unresolved issues, read-only. */
@Singleton
public class PlatformLogsFunction {

    static final int DEFAULT_MINUTES = 30;
    static final int MAX_MINUTES = 1440;
    static final int DEFAULT_TAIL = 20;

    @Inject
    PlatformLogsFlow flow;

    @Funq("platform-logs")
    public Uni<Map<String, Object>> platformLogs(PlatformLogsInput input) {
        PlatformLogsInput in = input == null ? new PlatformLogsInput() : input;
        Integer minutes = in.getMinutes();
        if (minutes != null && (minutes < 1 || minutes > MAX_MINUTES)) {
            throw FunctionError.badInput("invalid_value", "minutes", "minutes is 1 to " + MAX_MINUTES + " (24 h, the"
                    + " longest range Supabase's log endpoint reads)");
        }
        int tail = in.getTail() == null ? DEFAULT_TAIL : in.getTail();
        if (tail < 1 || tail > SupabaseLogQueries.TAIL_MAX) {
            throw FunctionError.badInput("invalid_value", "tail", "tail is 1 to " + SupabaseLogQueries.TAIL_MAX + " lines");
        }
        String incidentId = in.getIncidentId() == null || in.getIncidentId().isBlank() ? null : in.getIncidentId().strip();
        if (incidentId != null && !IncidentIds.valid(incidentId)) {
            throw FunctionError.badInput("invalid_value", "incidentId", "incidentId looks like INC-YYYY-MM-DD-NNN");
        }
        return flow.window(minutes == null ? DEFAULT_MINUTES : minutes, incidentId)
                .flatMap(window -> flow.read(window, tail));
    }
}
