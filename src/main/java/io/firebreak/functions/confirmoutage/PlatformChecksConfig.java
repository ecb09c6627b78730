package io.firebreak.functions.confirmoutage;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The optional platform checks of confirm-outage (edge-functions: Supabase Edge Function 5xx;
 * sentry: Sentry error events), judged like the audit spike, and how long their readings are
 * reused so a storm of probes does not spend the providers' rate limits. Documented in docs/detection.md.
 */
@ConfigMapping(prefix = "firebreak.confirm.platform")
public interface PlatformChecksConfig {

    ConfirmOutageConfig.Spike edgeFunctions();

    ConfirmOutageConfig.Spike sentry();

    /**
     * A window's reading is reused this long: at most one provider call per TTL, however many probes;
     * well under the schedule's minute, so two scheduled probes in a row never judge the same reading.
     */
    @WithDefault("25s")
    Duration cacheTtl();

    /** The 24 h baseline changes slowly; it is read again at most this often. */
    @WithDefault("10m")
    Duration baselineTtl();
}
