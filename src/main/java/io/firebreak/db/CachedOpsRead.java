package io.firebreak.db;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * What a gauge shows of the ops database, read at most once per FIREBREAK_METRICS_OPS_CACHE: a
 * scrape takes the value as last read (never waiting, never on the event loop's time) and, when it
 * is stale, starts one read in the background for the next scrape. A failed read keeps the last
 * value and is tried again only after the same interval, so an ops database that is down costs a
 * scrape nothing and is not hammered by it.
 */
public final class CachedOpsRead<T> {

    private static final Logger LOG = Logger.getLogger(CachedOpsRead.class);

    private final String what;
    private final Supplier<Uni<T>> read;
    private final long ttlNanos;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile T value;
    private volatile long readAt;
    private volatile boolean everRead;
    private volatile boolean failing;

    public CachedOpsRead(String what, Duration ttl, T initial, Supplier<Uni<T>> read) {
        this.what = what;
        this.read = read;
        this.ttlNanos = ttl.toNanos();
        this.value = initial;
    }

    /** The value as last read; a stale one starts a read in the background. */
    public T current() {
        long now = System.nanoTime();
        if ((!everRead || now - readAt >= ttlNanos) && reading.compareAndSet(false, true)) {
            refresh();
        }
        return value;
    }

    private void refresh() {
        Uni<T> uni;
        try {
            uni = read.get();
        } catch (RuntimeException e) {
            done(null, e);
            return;
        }
        uni.subscribe().with(v -> done(v, null), e -> done(null, e));
    }

    private void done(T read, Throwable failure) {
        if (failure == null) {
            value = read;
            failing = false;
        } else if (!failing) {
            // Once when it starts failing, not on every scrape while the ops database is down.
            failing = true;
            LOG.warnf("%s not read for the metrics (the last value stays until it is): %s", what,
                    String.valueOf(failure.getMessage()).split("\n", 2)[0]);
        }
        // The interval runs from the answer: a slow read is not stale the moment it lands.
        readAt = System.nanoTime();
        everRead = true;
        reading.set(false);
    }
}
