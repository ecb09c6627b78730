package io.firebreak.db;

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
}
