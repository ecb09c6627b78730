package io.firebreak.functions.freezewrites;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.BoundedPools;
import io.firebreak.db.GuardedPool;
import io.firebreak.db.Identifiers;
import io.firebreak.db.TargetDb;
import io.firebreak.safety.Applying;
import io.firebreak.safety.TargetWrites;

/**
 * The application's login roles on the target, as seed 003's "STOP writes immediately" needs them:
 * each role's own setting of default_transaction_read_only in this database (ALTER ROLE … IN
 * DATABASE … SET), its sessions here (ended, so that new ones start read-only), and what a new
 * session of the role gets. Role names come from the catalog (quoted), never from the SQL text.
 */
@ApplicationScoped
public class AppRoles {

    static final String SETTING = "default_transaction_read_only";

    /** A role as the plan sees it: its database setting of read-only (null: none), superuser, sessions here. */
    static final String DESCRIBE = """
            SELECT r.rolname::text AS role, r.rolsuper AS superuser, r.rolname = current_user AS own,
                   (SELECT substring(c FROM '^default_transaction_read_only=(.*)$')
                      FROM pg_db_role_setting s, unnest(s.setconfig) c
                     WHERE s.setrole = r.oid AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND c LIKE 'default\\_transaction\\_read\\_only=%') AS setting,
                   (SELECT count(*) FROM pg_stat_activity a WHERE a.usename = r.rolname AND a.datname = current_database()
                       AND a.pid <> pg_backend_pid() AND a.application_name IS DISTINCT FROM $2)::int AS sessions
            FROM pg_roles r WHERE r.rolname = ANY($1::text[]) ORDER BY r.rolname""";

    /** Ends the role's sessions on this database (never firebreak's own, never this one); answers their pids. */
    static final String END_SESSIONS = """
            SELECT pid::text FROM pg_stat_activity
            WHERE usename = $1 AND datname = current_database() AND pid <> pg_backend_pid()
              AND application_name IS DISTINCT FROM $2 AND pg_terminate_backend(pid)""";

    /**
     * The write privileges the API roles hold on this database's tables (seed 003 on Supabase:
     * PostgREST begins each write READ WRITE, so only privileges hold it). From the catalog's ACLs,
     * so what the superuser or owner sees is what is listed; column-level grants are not included.
     */
    static final String GRANTS = """
            SELECT r.rolname::text AS role, n.nspname::text AS schema, c.relname::text AS "table", a.privilege_type AS privilege
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL aclexplode(c.relacl) a
            JOIN pg_roles r ON r.oid = a.grantee
            WHERE r.rolname = ANY($1::text[]) AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
              AND c.relkind IN ('r', 'p', 'v', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1, 2, 3, 4""";

    static final java.util.Set<String> WRITE_PRIVILEGES = java.util.Set.of("INSERT", "UPDATE", "DELETE", "TRUNCATE");

    /** One table privilege of one role. */
    public record Grant(String role, String schema, String table, String privilege) {
        String key() {
            return role + ":" + schema + "." + table + ":" + privilege;
        }
    }

    @Inject
    TargetDb reads;

    @Inject
    TargetWrites target;

    /** One role's state. */
    public record Role(String role, boolean superuser, boolean own, String setting, int sessions) {
    }

    public Uni<List<Role>> describe(List<String> roles) {
        return reads.read(tx -> GuardedPool.rows(tx, DESCRIBE, Tuple.of(roles.toArray(new String[0]),
                BoundedPools.APPLICATION_NAME), r -> new Role(r.getString("role"), r.getBoolean("superuser"),
                        r.getBoolean("own"), r.getString("setting"), r.getInteger("sessions"))));
    }

    /**
     * Sets (or, with null, resets) the role's read-only default in this database, one short
     * transaction; answers the role when it committed.
     */
    public Uni<List<String>> set(Applying apply, String role, String value) {
        return target.write(apply, "role", List.of(role), tx -> tx.query("SELECT current_database() AS db").execute()
                .flatMap(rows -> {
                    String db = rows.iterator().next().getString("db");
                    String sql = "ALTER ROLE " + Identifiers.quote(role) + " IN DATABASE " + Identifiers.quote(db)
                            + (value == null ? " RESET " + SETTING : " SET " + SETTING + " = " + (on(value) ? "on" : "off"));
                    return tx.query(sql).execute();
                }).map(done -> List.of(role)));
    }

    /** Ends the role's sessions so that the pool behind it reconnects with the new default; answers how many. */
    public Uni<Integer> endSessions(Applying apply, String role) {
        return target.write(apply, "sessions:" + role, List.of(), tx -> GuardedPool.keys(tx, END_SESSIONS,
                Tuple.of(role, BoundedPools.APPLICATION_NAME))).map(List::size);
    }

    public Uni<List<Grant>> grants(List<String> apiRoles) {
        if (apiRoles.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return reads.read(tx -> GuardedPool.rows(tx, GRANTS, Tuple.of(apiRoles.toArray(new String[0])),
                r -> new Grant(r.getString("role"), r.getString("schema"), r.getString("table"), r.getString("privilege"))));
    }

    /**
     * Revokes (or, undoing, grants back) exactly these privileges, in one short transaction;
     * answers their keys when it committed.
     */
    public Uni<List<String>> privileges(Applying apply, List<Grant> grants, boolean revoke) {
        if (grants.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> keys = grants.stream().map(Grant::key).toList();
        return target.write(apply, "grant", keys, tx -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Grant g : grants) {
                if (!WRITE_PRIVILEGES.contains(g.privilege())) {
                    throw new IllegalStateException("not a write privilege: " + g.privilege());
                }
                String on = " ON " + Identifiers.qualified(g.schema(), g.table());
                String sql = revoke ? "REVOKE " + g.privilege() + on + " FROM " + Identifiers.quote(g.role())
                        : "GRANT " + g.privilege() + on + " TO " + Identifiers.quote(g.role());
                chain = chain.flatMap(v -> tx.query(sql).execute().replaceWithVoid());
            }
            return chain.replaceWith(keys);
        });
    }

    /** PostgreSQL's spellings of a true boolean setting. */
    static boolean on(String value) {
        return value != null && List.of("on", "true", "yes", "1").contains(value.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
