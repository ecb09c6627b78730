package io.firebreak.db;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.vertx.mutiny.sqlclient.Pool;

/** The application's database as the functions use it: every read and write bounded by FIREBREAK_TARGET_DEADLINE. */
@Singleton
public class TargetDb extends GuardedPool {

    @Inject
    public TargetDb(@ReactiveDataSource("target") Pool pool,
            @ConfigProperty(name = "firebreak.target.deadline", defaultValue = "5s") Duration deadline) {
        super(pool, "target", "target", deadline);
    }
}
