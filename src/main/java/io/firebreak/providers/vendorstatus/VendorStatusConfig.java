package io.firebreak.providers.vendorstatus;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How vendor status pages are read and kept; every default is documented in docs/vendor-status.md and docs/configuration.md. */
@ConfigMapping(prefix = "firebreak.dependencies")
public interface VendorStatusConfig {

    /** Off: no vendor page is read (check-dependencies says so, confirm-outage leaves its check out). Tests turn it off. */
    @WithDefault("true")
    boolean enabled();

    /** One read of a vendor page answers within this, or counts as "no answer". */
    @WithDefault("3s")
    Duration timeout();

    /** The most bytes a vendor answer may have; the connection is dropped past it. */
    @WithDefault("1048576")
    int maxBytes();

    /** A page read is reused this long (confirm-outage, the watch and check-dependencies share it). */
    @WithDefault("60s")
    Duration cacheTtl();

    /** A fresh read (check-dependencies' fresh: true) still reuses a read this young, so a loop cannot hammer a vendor. */
    @WithDefault("5s")
    Duration freshFloor();

    /** A failed read is remembered this long, so a dead vendor page is not hammered by every probe. */
    @WithDefault("15s")
    Duration errorTtl();

    /** The dependency watch's Quartz cron ("off" disables it in-process); read by its @Scheduled. */
    @WithDefault("50 * * * * ?")
    String watchCron();

    /** A feed item older than this is history, not an open incident. */
    @WithDefault("24h")
    Duration feedWindow();
}
