package io.firebreak.functions.recentchanges;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.TargetCatalog;
import io.firebreak.db.TargetDb;
import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.providers.DeclaredUrl;

/**
 * The application's own database migrations, read from the target (read-only, under the target's
 * statement timeout): a migrations table declared in functions.yaml ({@code migrations:}), else
 * Supabase's {@code supabase_migrations.schema_migrations} when it exists. Supabase's versions are
 * the timestamps in the migration files' names, not when they were applied, and the answer says so;
 * only catalog-confirmed columns enter the SQL, quoted.
 */
@ApplicationScoped
public class AppMigrations {

    static final String SUPABASE = "supabase_migrations.schema_migrations";

    /** Hosted projects have more columns (statements, created_by, idempotency_key): only these two are read. */
    static final String LATEST_SUPABASE = """
            SELECT version::text AS version, %s AS name FROM supabase_migrations.schema_migrations
            ORDER BY version DESC LIMIT $1""";

    /** %1$s version, %2$s name, %3$s applied-at (or NULL), %4$s table, %5$s ordering. */
    static final String LATEST_DECLARED = """
            SELECT %1$s::text AS version, %2$s AS name, %3$s AS applied_at FROM %4$s
            ORDER BY %5$s LIMIT $1""";

    static final int LATEST = 10;
    static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** A migrations table declared in functions.yaml: which columns hold what (appliedAt optional). */
    public record Declaration(String table, String versionColumn, String nameColumn, String appliedAtColumn) {
    }

    @Inject
    TargetDb target;

    @Inject
    TargetCatalog catalog;

    @Inject
    FunctionAdmission admission;

    private final Declared<Optional<Declaration>> declared = new Declared<>(
            () -> parse(admission.manifest().settings("migrations")));

    void validate(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start) {
        declared.get();
    }

    /** The block, if it names a table (a placeholder left empty: not declared); a malformed one is refused at start-up. */
    static Optional<Declaration> parse(JsonNode block) {
        if (block == null || block.isMissingNode() || block.isNull()) {
            return Optional.empty();
        }
        String table = DeclaredUrl.expand(block.path("table").asText(""), "migrations.table").strip();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        if (Identifiers.Table.parse(table).isEmpty()) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": migrations.table is schema.table: " + table);
        }
        String version = column(block, "versionColumn", "version");
        String name = column(block, "nameColumn", null);
        String applied = column(block, "appliedAtColumn", null);
        return Optional.of(new Declaration(Identifiers.Table.of(table).toString(), version, name, applied));
    }

    private static String column(JsonNode block, String field, String fallback) {
        String raw = block.path(field).asText("");
        String value = raw.isBlank() ? fallback
                : DeclaredUrl.expand(raw, "migrations." + field).strip();
        if (value != null && value.isEmpty()) {
            value = fallback;
        }
        if (value != null && !Identifiers.NAME.matcher(value).matches()) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": migrations." + field + " is a column name: " + value);
        }
        return value;
    }

    /** The latest migrations, those in the window flagged; "skipped" when there is no table to read. */
    public Uni<Map<String, Object>> recent(Instant since, Instant until) {
        Optional<Declaration> d = declared.get();
        if (d.isPresent()) {
            return declared(d.get(), since, until);
        }
        return catalog.columns(SUPABASE).flatMap(columns -> {
            if (columns.isEmpty()) {
                return Uni.createFrom().item(skipped("no " + SUPABASE + " on the target and no migrations table declared"
                        + " in functions.yaml (migrations:)"));
            }
            if (!columns.contains("version")) {
                return Uni.createFrom().item(skipped(SUPABASE + " has no version column"));
            }
            String sql = LATEST_SUPABASE.formatted(columns.contains("name") ? "name::text" : "NULL::text");
            return target.read(tx -> GuardedPool.rows(tx, sql, Tuple.of(LATEST), r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                String version = r.getString("version");
                Instant at = versionTime(version);
                m.put("version", version);
                m.put("name", r.getString("name"));
                m.put("versionTime", at == null ? null : at.toString());
                m.put("inWindow", at != null && !at.isBefore(since) && !at.isAfter(until));
                return m;
            })).map(rows -> answer(SUPABASE, rows, "versions are the yyyyMMddHHmmss timestamps (UTC) in the migration"
                    + " files' names, not when they were applied: inWindow compares the file's timestamp with the window;"
                    + " a migration written earlier and applied in the window is not flagged"));
        });
    }

    private Uni<Map<String, Object>> declared(Declaration d, Instant since, Instant until) {
        return catalog.columns(d.table()).map(columns -> {
            if (columns.isEmpty()) {
                throw new MissingTable("the declared migrations table " + d.table() + " is not on the target");
            }
            List<String> missing = new java.util.ArrayList<>();
            for (String c : new String[] { d.versionColumn(), d.nameColumn(), d.appliedAtColumn() }) {
                if (c != null && !columns.contains(c)) {
                    missing.add(d.table() + "." + c);
                }
            }
            if (!missing.isEmpty()) {
                throw new MissingTable("the declared migrations table lacks " + String.join(", ", missing));
            }
            return columns;
        }).flatMap(columns -> {
            Identifiers.Table t = Identifiers.Table.of(d.table());
            String version = Identifiers.quote(d.versionColumn());
            String name = d.nameColumn() == null ? "NULL::text" : Identifiers.quote(d.nameColumn()) + "::text";
            String applied = d.appliedAtColumn() == null ? "NULL::timestamptz" : Identifiers.quote(d.appliedAtColumn()) + "::timestamptz";
            String order = d.appliedAtColumn() == null ? version + " DESC" : applied + " DESC NULLS LAST, " + version + " DESC";
            String sql = LATEST_DECLARED.formatted(version, name, applied, t.qualified(), order);
            return target.read(tx -> GuardedPool.rows(tx, sql, Tuple.of(LATEST), r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                String v = r.getString("version");
                java.time.OffsetDateTime appliedAt = r.getOffsetDateTime("applied_at");
                Instant at = appliedAt != null ? appliedAt.toInstant() : d.appliedAtColumn() == null ? versionTime(v) : null;
                m.put("version", v);
                m.put("name", r.getString("name"));
                if (d.appliedAtColumn() != null) {
                    m.put("appliedAt", appliedAt == null ? null : appliedAt.toInstant().toString());
                } else {
                    m.put("versionTime", at == null ? null : at.toString());
                }
                m.put("inWindow", at != null && !at.isBefore(since) && !at.isAfter(until));
                return m;
            })).map(rows -> answer(d.table(), rows, d.appliedAtColumn() != null
                    ? "inWindow: applied (" + d.appliedAtColumn() + ") in the window"
                    : "no applied-at column is declared: inWindow reads the version as a yyyyMMddHHmmss timestamp where it is one"));
        }).onFailure(MissingTable.class).recoverWithItem(e -> skipped(e.getMessage()));
    }

    /** The declared table (or a column) is not there: said plainly, never a 500. */
    static final class MissingTable extends RuntimeException {
        MissingTable(String message) {
            super(message, null, false, false);
        }
    }

    private static Map<String, Object> answer(String source, List<Map<String, Object>> rows, String note) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source);
        out.put("note", note);
        out.put("inWindow", rows.stream().filter(r -> Boolean.TRUE.equals(r.get("inWindow"))).count());
        out.put("latest", rows);
        return out;
    }

    static Map<String, Object> skipped(String why) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("skipped", why);
        return out;
    }

    /** A yyyyMMddHHmmss version as a UTC instant; null when it is not one. */
    static Instant versionTime(String version) {
        if (version == null || version.length() < 14 || !version.substring(0, 14).chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return LocalDateTime.parse(version.substring(0, 14), VERSION).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
