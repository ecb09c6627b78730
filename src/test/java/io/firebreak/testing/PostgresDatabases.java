package io.firebreak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh ops database and a fresh target database (with the target contract) on the machine's
 * real Postgres for each application start, dropped afterwards. FIREBREAK_TEST_POSTGRES_URL points
 * at another server.
 *
 * <p>Init args: {@code target} = real (default), refusing (a closed port), hanging (a server that
 * accepts and never answers), blackhole (a proxy that can go silent: {@link BlackholeProxy}), pgbouncer, or seed-001 .. seed-004 (a database shaped like that seed's
 * application, from {@code db/seeds/}, instead of the target contract); {@code ops} = real (default), real-unmigrated (no
 * migration at start), refusing (a closed port: the ops database is down) or pgbouncer.
 */
public class PostgresDatabases implements QuarkusTestResourceLifecycleManager {

    private String targetMode = "real";
    private String opsMode = "real";
    private HangingServer hanging;
    private BlackholeProxy blackhole;
    private TestDatabases databases;
    private PgBouncer pgbouncer;

    @Override
    public void init(Map<String, String> args) {
        targetMode = args.getOrDefault("target", "real");
        opsMode = args.getOrDefault("ops", "real");
    }

    /**
     * The target's tables: exactly the contract (db/target-contract/exact.sql) unless
     * -Dfirebreak.test.target-fixture=full (the packaged-jar tests), the fuller schema an
     * application with more columns has (the drill's).
     */
    static final String CONTRACT_FIXTURE = "full".equals(System.getProperty("firebreak.test.target-fixture"))
            ? "db/target-contract/V1__contract.sql" : "db/target-contract/exact.sql";

    public static final String ADMIN_URL = System.getenv().getOrDefault("FIREBREAK_TEST_POSTGRES_URL",
            "postgresql://postgres@127.0.0.1:5432/postgres");

    private String ops;
    private String target;

    /**
     * The role the service runs as on the ops database, as production does: it owns nothing and has
     * only the migrations' grants; the migrations run as the owner (the admin URL).
     */
    public static final String RUNTIME_ROLE = "firebreak_runtime";

    /**
     * Cluster-wide roles the tests need: the read-only role declared checks run as (as a deployment
     * creates it), and a plain login role whose sessions stand in for the application's.
     */
    static final String ROLES = """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'firebreak_checks') THEN
                    CREATE ROLE firebreak_checks NOLOGIN;
                END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN
                    CREATE ROLE %s LOGIN;
                END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN
                    CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                END IF;
            END $$;
            GRANT pg_read_all_data TO firebreak_checks""".formatted(TestSessions.APP_ROLE, TestSessions.APP_ROLE,
            RUNTIME_ROLE, RUNTIME_ROLE);


    @Override
    public Map<String, String> start() {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        ops = "fb_test_ops_" + run;
        target = "fb_test_target_" + run;
        Sql.exec(ADMIN_URL, "CREATE DATABASE " + ops);
        Sql.exec(ADMIN_URL, "CREATE DATABASE " + target);
        Sql.exec(ADMIN_URL, ROLES);
        boolean seed = targetMode.startsWith("seed-");
        Sql.exec(url(target), resource(seed ? "db/seeds/" + targetMode + ".sql" : CONTRACT_FIXTURE));
        Map<String, String> config = new HashMap<>();
        if (seed) {
            if (targetMode.equals("seed-004")) {
                // Seed 004's app reached the database directly; db-health should say so.
                config.put("firebreak.db-health.app-database-url", "postgresql://postgres:secret@db.example.supabase.co:5432/postgres");
            }
            targetMode = "real";
        }
        if (targetMode.equals("pgbouncer") || opsMode.equals("pgbouncer")) {
            pgbouncer = PgBouncer.start();
        }
        config.put("ops.database.url", switch (opsMode) {
            case "pgbouncer" -> pgbouncer.url(ops, RUNTIME_ROLE);
            // The ops database refuses connections (it is down): the service starts, unmigrated, and must say so.
            case "refusing" -> "postgresql://" + RUNTIME_ROLE + "@127.0.0.1:" + HangingServer.closedPort() + "/" + ops;
            default -> url(ops, RUNTIME_ROLE);
        });
        config.put("ops.migration.database.url", withPassword(opsMode.equals("refusing")
                ? config.get("ops.database.url").replace(RUNTIME_ROLE + "@", "postgres@") : url(ops)));
        config.put("target.database.url", switch (targetMode) {
            case "real" -> url(target);
            case "pgbouncer" -> pgbouncer.url(target);
            case "refusing" -> "postgresql://postgres@127.0.0.1:" + HangingServer.closedPort() + "/" + target;
            case "blackhole" -> {
                java.net.URI admin = java.net.URI.create(ADMIN_URL.replaceFirst("^postgresql:", "http:"));
                blackhole = BlackholeProxy.start(admin.getPort() < 0 ? 5432 : admin.getPort());
                yield "postgresql://postgres@127.0.0.1:" + blackhole.port() + "/" + target;
            }
            case "hanging" -> {
                hanging = HangingServer.start();
                config.put("firebreak.db.socket-idle-timeout", "2s");
                yield "postgresql://postgres@127.0.0.1:" + hanging.port() + "/" + target;
            }
            default -> throw new IllegalArgumentException("target mode " + targetMode);
        });
        // Explicit either way, so that no FIREBREAK_MIGRATE_AT_START in the environment decides it.
        config.put("firebreak.ops.migrate-at-start", String.valueOf(!opsMode.startsWith("real-unmigrated")
                && !opsMode.equals("refusing")));
        // Where tests arrange target rows: always the real database, whatever the service talks through.
        databases = new TestDatabases(url(target), url(ops), url(ops, RUNTIME_ROLE), hanging, blackhole);
        config.put("firebreak.api-keys", Tokens.apiKeys());
        // Small bounds, so tests reach them; small batches, so one apply spans several.
        config.put("firebreak.actions.max-rows", "600");
        config.put("firebreak.actions.batch-size", "100");
        config.put("firebreak.actions.plan-page-size", "100");
        // Short leases, so a crashed sweeper's payments come back within a test.
        config.put("firebreak.payments.lease", "2s");
        // Tests change the target's tables between calls; a cached catalog would hide that.
        config.put("firebreak.target.catalog-ttl", "0s");
        // Tests change the audit log between calls; a cached baseline would hide that.
        config.put("firebreak.confirm.audit.baseline-ttl", "0s");
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(databases,
                new TestInjector.AnnotatedAndMatchesType(TestDatabases.Inject.class, TestDatabases.class));
    }

    @Override
    public void stop() {
        if (hanging != null) {
            hanging.close();
        }
        if (blackhole != null) {
            blackhole.close();
        }
        if (pgbouncer != null) {
            pgbouncer.close();
        }
        for (String db : new String[] { ops, target }) {
            if (db != null) {
                Sql.exec(ADMIN_URL, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    /** The URL of a database on the admin server. */
    public static String url(String database) {
        int slash = ADMIN_URL.lastIndexOf('/');
        return ADMIN_URL.substring(0, slash + 1) + database;
    }

    /** Flyway takes credentials only as a pair: with trust authentication any password does. */
    static String withPassword(String url) {
        return url.matches("postgresql://[^:@/]+@.*") ? url.replaceFirst("://([^@/]+)@", "://$1:trust@") : url;
    }

    /** The same database as another (trust-authenticated) role. */
    public static String url(String database, String user) {
        return url(database).replaceFirst("://[^@/]*@", "://" + user + "@");
    }

    static String resource(String path) {
        try (InputStream in = PostgresDatabases.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
