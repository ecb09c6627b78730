package io.firebreak.db;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Delivery of both outboxes (tenant notifications, team messages). Their keys sit under
 * firebreak.notify beside notify-tenant's templates, where operators have always set them.
 */
@ConfigMapping(prefix = "firebreak.notify")
public interface OutboxConfig {

    /** Delivery attempts before a message is dead-lettered. */
    @WithDefault("6")
    int maxAttempts();

    /** The first retry's delay; each next one doubles, up to an hour. */
    @WithDefault("30s")
    Duration backoff();

    /** How long a claimed message is held before another worker may try it. */
    @WithDefault("2m")
    Duration lease();
}
