package io.firebreak.functions.notifytenant;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Tenant notification templates and the outbox job's cron (delivery attempts and backoff: the shared Outbox). As seed 000 insists, the defaults never speculate on
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

    /** The outbox delivery job's cron (Quartz; "off" disables it in-process). */
    @WithDefault("30 * * * * ?")
    String outboxCron();

    /** One phase's email subject, text (email body and WhatsApp parameter) and WhatsApp template name. */
    interface Phase {
        String subject();

        String text();

        String whatsappTemplate();
    }
}
