package io.firebreak.functions.confirmoutage;

import java.util.Locale;

/** Who asked for a confirmation; only the schedule is subject to flap protection. */
public enum Trigger {
    HTTP, SCHEDULE, MONITOR;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
