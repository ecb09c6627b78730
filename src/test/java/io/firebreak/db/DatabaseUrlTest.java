package io.firebreak.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void supabasePoolerUrlWithAnEncodedPassword() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://postgres.abcdefgh:p%40ss%2Fw0rd%3A%2B@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require");
        assertEquals("aws-0-eu-west-1.pooler.supabase.com", url.host());
        assertEquals(6543, url.port());
        assertEquals("postgres", url.database());
        assertEquals(Optional.of("postgres.abcdefgh"), url.user());
        assertEquals(Optional.of("p@ss/w0rd:+"), url.password());
        assertEquals(Optional.of("require"), url.sslMode());
        assertTrue(url.pooled(), "port 6543 is the transaction pooler");
        assertEquals("jdbc:postgresql://aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require&prepareThreshold=0",
                url.jdbcUrl());
        assertFalse(url.redacted().contains("p@ss"));
    }

    @Test
    void directUrlDefaultsAndPgbouncerFlag() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://db.example.com/app");
        assertEquals(5432, url.port());
        assertFalse(url.pooled());
        assertTrue(DatabaseUrl.parse("postgresql://u@h:6432/app?pgbouncer=true").pooled());
        assertEquals("postgresql://h:5432/postgres", DatabaseUrl.parse("jdbc:postgresql://h/").reactiveUrl());
    }

    @Test
    void refusesWhatIsNotAPostgresUrlWithoutEchoingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("mysql://u:secret@h/db"));
        assertFalse(e.getMessage().contains("secret"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgresql://u:p@h/db?sslmode=maybe"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(""));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:se cret@h/db"));
        assertFalse(bad.getMessage().contains("se cret"));
    }

    @Test
    void quarkusPropertiesForAPooledTlsDatabase() {
        Map<String, String> p = DatabaseUrlConfigSourceFactory.properties("target",
                DatabaseUrl.parse("postgresql://app:pw@h:6543/db?sslmode=require"), false);
        assertEquals("postgresql://h:6543/db", p.get("quarkus.datasource.target.reactive.url"));
        assertEquals("app", p.get("quarkus.datasource.target.username"));
        assertEquals("pw", p.get("quarkus.datasource.target.password"));
        assertEquals("require", p.get("quarkus.datasource.target.reactive.postgresql.ssl-mode"));
        assertEquals("true", p.get("quarkus.datasource.target.reactive.trust-all"));
        assertEquals("true", p.get("quarkus.datasource.target.reactive.postgresql.use-layer7-proxy"));
        assertEquals("false", p.get("quarkus.datasource.target.reactive.cache-prepared-statements"));
        assertFalse(p.containsKey("quarkus.datasource.target.jdbc.url"));

        Map<String, String> ops = DatabaseUrlConfigSourceFactory.properties("ops",
                DatabaseUrl.parse("postgresql://o@h2:5432/ops?sslmode=verify-full"), true);
        assertEquals("jdbc:postgresql://h2:5432/ops?sslmode=verify-full", ops.get("quarkus.datasource.ops.jdbc.url"));
        assertEquals("HTTPS", ops.get("quarkus.datasource.ops.reactive.hostname-verification-algorithm"));
        assertFalse(ops.containsKey("quarkus.datasource.ops.reactive.postgresql.use-layer7-proxy"));
    }
}
