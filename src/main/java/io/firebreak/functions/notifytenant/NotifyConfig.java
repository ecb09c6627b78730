package io.firebreak.functions.notifytenant;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Tenant notification templates and delivery. As seed 000 insists, the defaults never speculate on
 * cause or timeline; {feature} and {incidentId} are the only placeholders.
 */
@ConfigMapping(prefix = "firebreak.notify")
public interface NotifyConfig {

    /** What the tenant knows the affected part of the product as, when the call does not say. */
    @WithDefault("our service")
    String feature();

    Phase investigating();

    Phase update();

    Phase resolved();

    /** Delivery attempts before a message is dead-lettered. */
    @WithDefault("6")
    int maxAttempts();

    /** The first retry's delay; each next one doubles, up to an hour. */
    @WithDefault("30s")
    Duration backoff();

    /** The outbox delivery job's cron (Quartz; "off" disables it in-process). */
    @WithDefault("30 * * * * ?")
    String outboxCron();

    /** How long a claimed message is held before another worker may try it. */
    @WithDefault("2m")
    Duration lease();

    /** How long to wait before the next attempt after this many: doubling from backoff, at most an hour. */
    default Duration retryAfter(int attempts) {
        Duration wait = backoff().multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 7));
        return wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait;
    }

    /** One phase's email subject, text (email body and WhatsApp parameter) and WhatsApp template name. */
    interface Phase {
        String subject();

        String text();

        String whatsappTemplate();
    }
}
