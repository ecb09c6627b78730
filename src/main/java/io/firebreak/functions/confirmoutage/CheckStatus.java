package io.firebreak.functions.confirmoutage;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one diagnostic check. */
public enum CheckStatus {
    OK, WARN, FAIL, SKIPPED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
