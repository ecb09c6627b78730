package io.firebreak.functions.dbhealth;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What db-health compares against: the connection share that warns, and how the application reaches the database. */
@ConfigMapping(prefix = "firebreak.db-health")
public interface DbHealthConfig {

    /** Share of usable connections in use above which db-health warns (seeds 001/002 "pool exhausted"). */
    @WithDefault("0.8")
    double warnRatio();

    /**
     * The database URL the application itself uses (for example the Edge Functions' setting):
     * only its host and port are read, to tell pooler (6543) from direct (5432); credentials are ignored.
     */
    Optional<String> appDatabaseUrl();

    /** application_name values and client addresses that mark a session as coming through the pooler. */
    @WithDefault("Supavisor,pgbouncer,PgBouncer")
    List<String> poolerClients();
}
