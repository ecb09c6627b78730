package io.firebreak.functions.confirmoutage;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionError;

/** Confirms or rules out an outage of the application from its database, audit log and health URL. */
@Singleton
public class ConfirmOutageFunction {

    static final int MAX_WINDOW_MINUTES = 1440;

    @Inject
    ConfirmOutageConfig config;

    @Inject
    SharedProbe shared;

    @Funq("confirm-outage")
    public Uni<ConfirmOutageResult> confirmOutage(ConfirmOutageInput input) {
        int window = windowMinutes(input, config.defaultWindowMinutes());
        return shared.confirm(window).map(a -> ConfirmOutageResult.from(a.value(), a.shared(), a.ageMillis()));
    }

    static int windowMinutes(ConfirmOutageInput input, int defaultMinutes) {
        if (input == null || input.getWindowMinutes() == null) {
            return defaultMinutes;
        }
        if (input.getWindowMinutes() < 1 || input.getWindowMinutes() > MAX_WINDOW_MINUTES) {
            throw FunctionError.badInput("invalid_window", "windowMinutes",
                    "windowMinutes must be between 1 and " + MAX_WINDOW_MINUTES + " (got " + input.getWindowMinutes() + ")");
        }
        return input.getWindowMinutes();
    }
}
