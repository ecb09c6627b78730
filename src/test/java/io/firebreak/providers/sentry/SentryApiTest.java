package io.firebreak.providers.sentry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Sentry's rate-limit reset (epoch seconds), its Link pagination and its period format. */
class SentryApiTest {

    @Test
    void theResetIsAnEpochInstantBoundedToFiveMinutes() {
        long in30 = System.currentTimeMillis() / 1000 + 30;
        Duration wait = SentryApi.resetIn(Long.toString(in30), null);
        assertTrue(wait.toSeconds() >= 28 && wait.toSeconds() <= 30, wait.toString());
        assertEquals(Duration.ZERO, SentryApi.resetIn("1000", null), "a reset in the past waits nothing");
        assertEquals(Duration.ofMinutes(5), SentryApi.resetIn(Long.toString(in30 + 86400), null));
        assertEquals(Duration.ofSeconds(7), SentryApi.resetIn(null, "7"));
        assertNull(SentryApi.resetIn("soon", null));
        assertNull(SentryApi.resetIn(null, null));
    }

    @Test
    void moreOnlyWhenTheNextLinkHasResults() {
        String more = "<https://sentry.io/api/0/organizations/acme/issues/?cursor=0:0:1>; rel=\"previous\"; results=\"false\";"
                + " cursor=\"0:0:1\", <https://sentry.io/api/0/organizations/acme/issues/?cursor=0:10:0>; rel=\"next\";"
                + " results=\"true\"; cursor=\"0:10:0\"";
        assertTrue(SentryApi.nextHasResults(more));
        assertFalse(SentryApi.nextHasResults(more.replace("results=\"true\"", "results=\"false\"")));
        assertFalse(SentryApi.nextHasResults(null));
    }

    @Test
    void periodsAreIsoSecondsInUtc() {
        assertEquals("2026-12-01T12:30:00", SentryApi.iso(Instant.parse("2026-12-01T12:30:00.987Z")));
    }
}
