package io.firebreak.incident;

import com.fasterxml.jackson.annotation.JsonValue;

/** Seed 000's severity scale; P0 is the most severe. */
public enum Severity {
    P0, P1, P2, P3;

    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }

    public static Severity mostSevere(Severity a, Severity b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    @JsonValue
    public String json() {
        return name();
    }
}
