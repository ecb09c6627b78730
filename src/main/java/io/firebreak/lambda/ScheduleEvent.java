package io.firebreak.lambda;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.platform.FunctionManifest;

/**
 * An EventBridge Scheduler invocation. The template sets its input to
 * {"firebreak":"schedule","job":"<name>"}; a plain EventBridge rule event ("detail-type":
 * "Scheduled Event") runs the schedule of the function this Lambda exports.
 */
final class ScheduleEvent {

    private ScheduleEvent() {
    }

    static boolean is(JsonNode event) {
        return "schedule".equals(event.path("firebreak").asText(null))
                || "Scheduled Event".equals(event.path("detail-type").asText(null));
    }

    static String jobName(JsonNode event, String export, FunctionManifest manifest) {
        if (event.hasNonNull("job")) {
            return event.get("job").asText();
        }
        return export == null ? "" : manifest.find(export).flatMap(FunctionManifest.Function::schedule)
                .map(FunctionManifest.Schedule::name).orElse("");
    }
}
