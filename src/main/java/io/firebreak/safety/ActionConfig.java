package io.firebreak.safety;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The bounds of every function that changes something. */
@ConfigMapping(prefix = "firebreak.actions")
public interface ActionConfig {

    /** Most rows one call may change; above it the call is refused (409) and nothing changes. */
    @WithDefault("50000")
    int maxRows();

    /** Rows per short transaction: large changes never hold a lock on many rows for long. */
    @WithDefault("1000")
    int batchSize();

    /** Keys per page of a plan's stored change set (ChangeSets): the dry run answers the first, planId + cursor the next. */
    @WithDefault("1000")
    int planPageSize();

    /** How long a dry run's plan may be applied. */
    @WithDefault("15m")
    Duration planTtl();

    /** statement_timeout of every write statement on the target. */
    @WithDefault("5s")
    Duration statementTimeout();

    /** lock_timeout of every write statement on the target: wait this long for a row lock, then give up. */
    @WithDefault("2s")
    Duration lockTimeout();

    /** How long a racing apply with the same idempotency key waits for the first one's result. */
    @WithDefault("60s")
    Duration idempotencyWait();
}
