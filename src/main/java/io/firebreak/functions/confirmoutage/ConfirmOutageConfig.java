package io.firebreak.functions.confirmoutage;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Thresholds and timeouts of confirm-outage; every default is documented in docs/detection.md and docs/configuration.md. */
@ConfigMapping(prefix = "firebreak.confirm")
public interface ConfirmOutageConfig {

    /** Each check answers within this or counts as failed, so one hung check cannot hold the verdict. */
    @WithDefault("1800ms")
    Duration checkTimeout();

    /** The ops database write (incident, timeline, confirmation) gets this long before the answer goes out without it. */
    @WithDefault("1000ms")
    Duration recordTimeout();

    /** A database or health URL answering slower than this is a warning (P2). */
    @WithDefault("1000ms")
    Duration slowThreshold();

    @WithDefault("10")
    int defaultWindowMinutes();

    /**
     * HTTP calls within this long of a probe (or during it) share its answer and its record instead
     * of probing the target again; 0s probes on every call.
     */
    @WithDefault("1s")
    Duration shareWindow();

    Audit audit();

    Connections connections();

    /**
     * Thresholds of one spike (the audit log's, the platform checks'): a window's events against the
     * mean of the same-length windows of the previous 24 h.
     */
    interface Spike {
        /** Fewer events than this in the window is never a spike, whatever the ratio. */
        @WithDefault("20")
        int minEvents();

        /** Window events at least this many times the baseline: warn (P2). */
        @WithDefault("3")
        double warnRatio();

        /** ... at least this many times: fail (P1, "feature broken for multiple tenants"). */
        @WithDefault("10")
        double failRatio();
    }

    /** The audit error spike: a window's events per action type against the previous 24 h. */
    interface Audit extends Spike {

        /** The 24 h baseline changes slowly; it is recomputed at most this often. */
        @WithDefault("60s")
        Duration baselineTtl();
    }

    /** Connection saturation: client connections over max_connections minus the superuser reserve. */
    interface Connections {
        @WithDefault("0.8")
        double warnRatio();

        @WithDefault("0.95")
        double failRatio();
    }
}
