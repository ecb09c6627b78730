package io.firebreak.functions.toperrors;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentConfig;
import io.firebreak.platform.Durations;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;

/** Groups the application's error_logs by type and message over a window, with the error rate the resolution criteria use, read-only. */
@Singleton
public class TopErrorsFunction {

    @Inject
    ErrorLog errors;

    @Inject
    IncidentConfig incidents;

    @Funq("top-errors")
    public Uni<Map<String, Object>> topErrors(TopErrorsInput input) {
        TopErrorsInput in = input == null ? new TopErrorsInput() : input;
        Duration window = Durations.parse(in.getWindow(), "window", Duration.ofMinutes(1), Duration.ofDays(7));
        int minutes = window == null ? 60 : (int) window.toMinutes();
        int limit = in.getLimit() == null ? 10 : in.getLimit();
        if (limit < 1 || limit > 100) {
            throw FunctionError.badInput("invalid_value", "limit", "limit is 1 to 100");
        }
        String service = in.getService() == null || in.getService().isBlank() ? null : in.getService().strip();
        if (service != null && service.length() > 100) {
            throw FunctionError.badInput("invalid_value", "service", "service is a prefix of at most 100 characters");
        }
        double bound = incidents.resolution().maxErrorRate();
        return errors.shape()
                .onFailure(IllegalStateException.class).transform(e -> new FunctionError(409, "no_error_log",
                        LogText.firstLine(e.getMessage()), null))
                .flatMap(shape -> errors.top(shape, minutes, limit, service).flatMap(top -> errors.rate(shape, minutes).map(rate -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("windowMinutes", minutes);
                    answer.put("table", shape.table().replace("\"", ""));
                    answer.put("serviceFilter", service == null ? null : shape.hasService() ? service + "*"
                            : "ignored: the log has no service column");
                    answer.put("errors", rate.errors());
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("errors", rate.errors());
                    r.put("requests", rate.requests());
                    r.put("rate", rate.rate());
                    r.put("percent", rate.rate() == null ? null : Math.round(rate.rate() * 10_000) / 100.0);
                    r.put("requestsFrom", rate.requestsFrom());
                    r.put("resolutionBoundPercent", bound * 100);
                    r.put("belowResolutionBound", rate.rate() == null ? null : rate.rate() < bound);
                    answer.put("errorRate", r);
                    answer.put("top", top);
                    return answer;
                })));
    }
}
