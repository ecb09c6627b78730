package io.firebreak.functions.confirmoutage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The periodic probe: how often, and how many unhealthy results in a row before it declares. */
@ConfigMapping(prefix = "firebreak.probe")
public interface ProbeScheduleConfig {

    /** Quartz-style cron; "off" disables the in-process schedule. */
    @WithDefault("0 * * * * ?")
    String cron();

    @WithDefault("2")
    int consecutiveFailures();
}
