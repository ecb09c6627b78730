package io.firebreak.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/** A scrape never waits for the ops database, never reads it more than once per interval, and keeps the last value when it fails. */
class CachedOpsReadTest {

    @Test
    void aScrapeTakesTheLastValueAndStartsAtMostOneReadPerInterval() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<UniEmitter<? super Double>> pending = new java.util.concurrent.atomic.AtomicReference<>();
        CachedOpsRead<Double> read = new CachedOpsRead<>("test", Duration.ofMillis(1000), Double.NaN, () -> {
            reads.incrementAndGet();
            return Uni.createFrom().<Double>emitter(e -> pending.set(e));
        });
        // The first scrape answers at once (NaN: nothing read yet) and starts one read; more scrapes start none.
        assertTrue(read.current().isNaN());
        assertTrue(read.current().isNaN());
        assertEquals(1, reads.get());
        pending.get().complete(3.0);
        assertEquals(3.0, read.current());
        assertEquals(1, reads.get(), "fresh: no new read");
        Thread.sleep(1100);
        assertEquals(3.0, read.current(), "stale: the last value, and a read in the background");
        assertEquals(2, reads.get());
        // The ops database fails: the last value stays, and it is not asked again before the interval passes.
        pending.get().fail(new IllegalStateException("ops down"));
        assertEquals(3.0, read.current());
        assertEquals(2, reads.get());
        Thread.sleep(1100);
        read.current();
        assertEquals(3, reads.get());
    }

    @Test
    void aReadThatThrowsAtOnceIsAFailedRead() {
        CachedOpsRead<Double> read = new CachedOpsRead<>("test", Duration.ofSeconds(10), 1.0, () -> {
            throw new IllegalStateException("pool closed");
        });
        assertEquals(1.0, read.current());
        assertEquals(1.0, read.current());
    }
}
