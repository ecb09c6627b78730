package io.firebreak.domain;

import java.util.regex.Pattern;

/**
 * SQL identifiers that firebreak puts into statement text (schemas, tables, columns the catalog
 * confirmed): always quoted, so no name can change the statement around it.
 */
public final class Identifiers {

    /** What a caller may name: schema.table or table, letters, digits, underscores and $. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private Identifiers() {
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /** A driver message without the SQL state suffix or stack details, fit for an answer. */
    public static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * A caller's or provider's text as a log line may hold it: control characters escaped (a newline
     * cannot forge a second line), at most 200 characters.
     */
    public static String loggable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200) + 8);
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > 200 ? out.append("...").toString() : out.toString();
    }
}
