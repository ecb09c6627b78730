package io.firebreak.platform;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The spans callers write by hand at 3 a.m.: 90s, 10m, 24h, 7d. */
public final class Durations {

    static final Pattern SPAN = Pattern.compile("(\\d{1,6})([smhd])");

    private Durations() {
    }

    /** A span, or null when the value is absent; outside [min, max] or unreadable is a 400 on field. */
    public static Duration parse(String value, String field, Duration min, Duration max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d = span(value);
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw FunctionError.badInput("invalid_value", field, field + " is a span such as 90s, 10m, 24h or 7d, from "
                    + text(min) + " to " + text(max));
        }
        return d;
    }

    /** A span such as 90s, 10m, 24h or 7d; null when it is not one. */
    public static Duration span(String value) {
        Matcher m = SPAN.matcher(value.strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String text(Duration d) {
        long s = d.toSeconds();
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
