package io.firebreak.db;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.vertx.mutiny.sqlclient.Pool;

/** The target as confirm-outage probes it, on a pool of its own and bounded by the check timeout. */
@Singleton
public class ProbeDb extends GuardedPool {

    @Inject
    public ProbeDb(@ReactiveDataSource("probe") Pool pool,
            @ConfigProperty(name = "firebreak.confirm.check-timeout", defaultValue = "1800ms") Duration deadline) {
        // Just inside the check's own deadline, so the pool (which closes the connection) gives up first.
        super(pool, "probe", "target", deadline.minusMillis(100));
    }
}
