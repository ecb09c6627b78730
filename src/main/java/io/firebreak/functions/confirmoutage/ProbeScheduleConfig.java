package io.firebreak.functions.confirmoutage;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The periodic probe: how often, how many unhealthy results in a row before it declares, and how soon it re-probes. */
@ConfigMapping(prefix = "firebreak.probe")
public interface ProbeScheduleConfig {

    /** Quartz-style cron; "off" disables the in-process schedule. */
    @WithDefault("0/10 * * * * ?")
    String cron();

    @WithDefault("2")
    int consecutiveFailures();

    /**
     * A P0/P1 result that is not yet enough in a row is probed again this much later, inside the
     * same run (on Lambda, the same invocation): detection takes seconds, not schedule periods. 0 turns it off.
     */
    @WithDefault("5s")
    Duration confirmAfter();
}
