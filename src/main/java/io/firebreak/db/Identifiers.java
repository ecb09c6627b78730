package io.firebreak.db;

import java.util.Optional;
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

    /** A table as a caller (or a stored record) names it: schema.table, or table in public. */
    public record Table(String schema, String name) {

        /** Both parts quoted, for statement text. */
        public String qualified() {
            return Identifiers.qualified(schema, name);
        }

        @Override
        public String toString() {
            return schema + "." + name;
        }

        /** The table, or empty when the text is not schema.table or table of plain identifiers. */
        public static Optional<Table> parse(String text) {
            String[] parts = text == null ? new String[0] : text.strip().split("\\.", -1);
            if (parts.length < 1 || parts.length > 2 || !java.util.Arrays.stream(parts).allMatch(p -> NAME.matcher(p).matches())) {
                return Optional.empty();
            }
            return Optional.of(parts.length == 2 ? new Table(parts[0], parts[1]) : new Table("public", parts[0]));
        }

        /** A name firebreak stored itself (a snapshot's table): it parsed when it was stored. */
        public static Table of(String text) {
            return parse(text).orElseThrow(() -> new IllegalStateException("not a table name: " + text));
        }
    }
}
