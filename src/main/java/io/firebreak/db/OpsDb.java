package io.firebreak.db;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.vertx.mutiny.sqlclient.Pool;

/** firebreak's own database (incidents, audit trail, plans): every use bounded by FIREBREAK_OPS_DEADLINE. */
@Singleton
public class OpsDb extends GuardedPool {

    @Inject
    public OpsDb(@ReactiveDataSource("ops") Pool pool,
            @ConfigProperty(name = "firebreak.ops.deadline", defaultValue = "5s") Duration deadline) {
        super(pool, "ops", "ops", deadline);
    }
}
