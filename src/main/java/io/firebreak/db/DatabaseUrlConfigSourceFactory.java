package io.firebreak.db;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Turns OPS_DATABASE_URL and TARGET_DATABASE_URL (Supabase-style postgresql:// URLs) into the Quarkus
 * datasource properties, so operators configure one URL per database and nothing else.
 */
public class DatabaseUrlConfigSourceFactory implements ConfigSourceFactory {

    /** Above application.properties (250), below environment variables (300): explicit QUARKUS_* settings still win. */
    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> properties = new HashMap<>();
        derive(context, "ops.database.url", "ops", true, properties);
        derive(context, "target.database.url", "target", false, properties);
        derive(context, "target.database.url", "probe", false, properties);
        migration(context, properties);
        return List.of(new PropertiesConfigSource(properties, "firebreak-database-urls", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    static void derive(ConfigSourceContext context, String key, String datasource, boolean jdbc, Map<String, String> out) {
        url(context, key).ifPresent(url -> out.putAll(properties(datasource, url, jdbc)));
    }

    /** The URL set under a key (e.g. ops.database.url, from OPS_DATABASE_URL), refused with the env var's name when malformed. */
    static java.util.Optional<DatabaseUrl> url(ConfigSourceContext context, String key) {
        ConfigValue value = context.getValue(key);
        if (value == null || value.getValue() == null || value.getValue().isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(DatabaseUrl.parse(value.getValue()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key.toUpperCase().replace('.', '_') + ": " + e.getMessage());
        }
    }

    /**
     * OPS_MIGRATION_DATABASE_URL, when set, is the owner that migrates (Flyway, the migrate function);
     * OPS_DATABASE_URL is then the runtime role, granted by the migrations only what it needs.
     */
    static void migration(ConfigSourceContext context, Map<String, String> out) {
        url(context, "ops.database.url").ifPresent(ops -> out.put("quarkus.flyway.ops.placeholders.runtimeRole",
                ops.user().orElse("-")));
        java.util.Optional<DatabaseUrl> owner = url(context, "ops.migration.database.url");
        if (owner.isEmpty()) {
            return;
        }
        DatabaseUrl url = owner.get();
        if (url.user().isEmpty() || url.password().isEmpty()) {
            // Flyway takes its own credentials only as a pair; with trust or peer authentication any password does.
            throw new IllegalArgumentException("OPS_MIGRATION_DATABASE_URL needs a user and a password (postgresql://owner:password@host/db)");
        }
        out.put("quarkus.flyway.ops.jdbc-url", url.jdbcUrl());
        out.put("quarkus.flyway.ops.username", url.user().get());
        out.put("quarkus.flyway.ops.password", url.password().get());
    }

    static Map<String, String> properties(String datasource, DatabaseUrl url, boolean jdbc) {
        String prefix = "quarkus.datasource." + datasource + ".";
        Map<String, String> p = new HashMap<>();
        p.put(prefix + "reactive.url", url.reactiveUrl());
        url.user().ifPresent(u -> p.put(prefix + "username", u));
        url.password().ifPresent(pw -> p.put(prefix + "password", pw));
        url.sslMode().ifPresent(mode -> {
            p.put(prefix + "reactive.postgresql.ssl-mode", mode);
            // libpq semantics: require encrypts without verifying; verify-full also checks the host name.
            if (mode.equals("require") || mode.equals("prefer") || mode.equals("allow")) {
                p.put(prefix + "reactive.trust-all", "true");
            }
            if (mode.equals("verify-full")) {
                p.put(prefix + "reactive.hostname-verification-algorithm", "HTTPS");
            }
        });
        if (url.pooled()) {
            // A transaction-mode pooler may run each statement on another server connection.
            p.put(prefix + "reactive.postgresql.use-layer7-proxy", "true");
            p.put(prefix + "reactive.cache-prepared-statements", "false");
        }
        if (jdbc) {
            p.put(prefix + "jdbc.url", url.jdbcUrl());
        }
        return p;
    }
}
