package io.firebreak.functions.confirmoutage;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a confirmation concludes about the application. */
public enum Verdict {
    HEALTHY, DEGRADED, OUTAGE;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
