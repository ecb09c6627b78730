package io.firebreak.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A Postgres URL in the form Supabase hands out, split into what the reactive and JDBC clients each need. */
public record DatabaseUrl(String host, int port, String database, Optional<String> user, Optional<String> password,
        Optional<String> sslMode, boolean pooled) {

    /** Supabase's transaction-mode pooler (Supavisor/pgbouncer) listens here. */
    public static final int TRANSACTION_POOLER_PORT = 6543;

    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database URL is empty");
        }
        String raw = url.trim();
        if (raw.startsWith("jdbc:")) {
            raw = raw.substring("jdbc:".length());
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            // The message would echo the URL, password included.
            throw new IllegalArgumentException("database URL is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw new IllegalArgumentException("database URL must start with postgresql:// (got scheme '" + scheme + "')");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("database URL has no host");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? decode(path.substring(1)) : decode(path);
        if (database.isBlank()) {
            database = "postgres";
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            }
        }
        Map<String, String> params = query(uri.getRawQuery());
        if (params.containsKey("user")) {
            user = Optional.of(params.get("user"));
        }
        if (params.containsKey("password")) {
            password = Optional.of(params.get("password"));
        }
        Optional<String> sslMode = Optional.ofNullable(params.get("sslmode")).map(s -> s.toLowerCase(Locale.ROOT));
        if (sslMode.isPresent() && !SSL_MODES.contains(sslMode.get())) {
            throw new IllegalArgumentException("sslmode must be one of " + SSL_MODES + " (got '" + sslMode.get() + "')");
        }
        boolean pooled = port == TRANSACTION_POOLER_PORT || "true".equalsIgnoreCase(params.get("pgbouncer"));
        return new DatabaseUrl(uri.getHost(), port, database, user, password, sslMode, pooled);
    }

    /** The URL the reactive client gets: no credentials (they travel as separate properties), no extra parameters. */
    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** For Flyway; behind a transaction pooler, without server-side prepared statements (pgjdbc's prepareThreshold=0). */
    public String jdbcUrl() {
        StringBuilder params = new StringBuilder();
        sslMode.ifPresent(m -> params.append("&sslmode=").append(m));
        if (pooled) {
            params.append("&prepareThreshold=0");
        }
        return "jdbc:postgresql://" + host + ":" + port + "/" + database
                + (params.isEmpty() ? "" : "?" + params.substring(1));
    }

    /** A form safe to log or show: never the password. */
    public String redacted() {
        return "postgresql://" + user.map(u -> u + "@").orElse("") + host + ":" + port + "/" + database;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A plain JDBC connection to this URL's database, for what the reactive client cannot do (COPY). */
    public static java.sql.Connection open(String url) throws java.sql.SQLException {
        DatabaseUrl u = parse(url);
        return java.sql.DriverManager.getConnection(u.jdbcUrl(), u.user().orElse("postgres"), u.password().orElse(""));
    }
}
