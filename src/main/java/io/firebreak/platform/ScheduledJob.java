package io.firebreak.platform;

import io.smallrye.mutiny.Uni;

/**
 * A job a schedule runs: in-process through @Scheduled, on Lambda through an EventBridge Scheduler
 * event naming it. Both call {@link #run()}, so the two paths cannot drift apart.
 */
public interface ScheduledJob {

    /** The stable name, as functions.yaml's schedule trigger gives it. */
    String name();

    Uni<?> run();
}
