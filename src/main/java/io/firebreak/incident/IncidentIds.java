package io.firebreak.incident;

import java.time.LocalDate;
import java.util.regex.Pattern;

/** Incident ids as the seeds write them: INC-YYYY-MM-DD-NNN, numbered per UTC day. */
public final class IncidentIds {

    /** The one shape every binding and function accepts for an incident id. */
    public static final Pattern ID = Pattern.compile("INC-\\d{4}-\\d{2}-\\d{2}-\\d{3,}");

    private IncidentIds() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String format(LocalDate day, int seq) {
        return "INC-%s-%03d".formatted(day, seq);
    }
}
