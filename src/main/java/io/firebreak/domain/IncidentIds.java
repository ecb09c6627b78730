package io.firebreak.domain;

import java.time.LocalDate;

/** Incident ids as the seeds write them: INC-YYYY-MM-DD-NNN, numbered per UTC day. */
public final class IncidentIds {

    private IncidentIds() {
    }

    public static String format(LocalDate day, int seq) {
        return "INC-%s-%03d".formatted(day, seq);
    }
}
