package io.firebreak.safety;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first of three walls around a declared check (the others: a READ ONLY transaction with a
 * statement timeout, and optionally a role without signal or write rights): one SELECT, no
 * data-changing clause, no function that acts on the server. Read after comments and string
 * literals are blanked, so a word inside a string does not count and a comment cannot hide one.
 */
public final class CheckGuard {

    static final Pattern WRITES = Pattern.compile(
            "\\b(insert|update|delete|merge|into|truncate|for\\s+(no\\s+key\\s+)?(update|share)|for\\s+key\\s+share)\\b");

    /** Functions that signal backends, change settings, take locks, write files or run SQL given as text. */
    static final Pattern ACTS = Pattern.compile("\\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile"
            + "|pg_promote|set_config|pg_(try_)?advisory_\\w+|nextval|setval|lo_\\w+|dblink\\w*|pg_read_(binary_)?file"
            + "|pg_ls_\\w+|pg_stat_file|pg_file_\\w+|pg_logical_emit_message|pg_\\w*replication_slot\\w*|pg_switch_wal"
            + "|pg_notify|txid_current\\w*|pg_current_xact_id\\w*|pg_stat_reset\\w*|pg_(start_|stop_)?backup\\w*"
            + "|pg_log_backend_memory_contexts|pg_wal_replay_\\w+|pg_import_system_collations|pg_replication_origin_\\w+"
            + "|pg_create_restore_point|(query|table|cursor|database|schema)_to_xml\\w*|query_to_json\\w*)\\s*\\(");

    static final Pattern FIRST_WORD = Pattern.compile("^\\s*\\(*\\s*([a-z]+)");

    private CheckGuard() {
    }

    /** Why the SQL may not be a check, or empty when it may. */
    public static Optional<String> refusal(String sql) {
        if (sql == null || sql.isBlank()) {
            return Optional.of("the check has no SQL");
        }
        String code = blank(sql).toLowerCase(Locale.ROOT).strip();
        while (code.endsWith(";")) {
            code = code.substring(0, code.length() - 1).strip();
        }
        if (code.contains(";")) {
            return Optional.of("a check is one statement (no ';' inside)");
        }
        Matcher first = FIRST_WORD.matcher(code);
        String word = first.find() ? first.group(1) : "";
        if (!java.util.Set.of("select", "with", "values", "table").contains(word)) {
            return Optional.of("a check is a SELECT (or WITH ... SELECT), not " + (word.isEmpty() ? "that" : word.toUpperCase(Locale.ROOT)));
        }
        Matcher writes = WRITES.matcher(code);
        if (writes.find()) {
            return Optional.of("a check cannot change or lock rows (" + writes.group().toUpperCase(Locale.ROOT) + ")");
        }
        Matcher acts = ACTS.matcher(code);
        if (acts.find()) {
            return Optional.of("a check cannot call " + acts.group(1) + "()");
        }
        return Optional.empty();
    }

    /**
     * The SQL with comments and the contents of string literals blanked out and double quotes
     * dropped (so "pg_terminate_backend"(...) reads as the call it is).
     */
    static String blank(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                out.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (i < n && depth > 0);
                out.append(' ');
            } else if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E');
                i++;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (escapes && d == '\\') {
                        i += 2;
                        continue;
                    }
                    if (d == '\'') {
                        if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                i++;
                out.append("''");
            } else if (c == '$') {
                Matcher tag = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$").matcher(sql).region(i, n);
                if (tag.lookingAt()) {
                    int end = sql.indexOf(tag.group(), tag.end());
                    i = end < 0 ? n : end + tag.group().length();
                    out.append("''");
                } else {
                    out.append(c);
                    i++;
                }
            } else if (c == '"') {
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
