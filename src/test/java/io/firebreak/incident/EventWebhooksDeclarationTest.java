package io.firebreak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.FunctionManifest;

/** With nothing configured the declared subscriber is skipped (so no event queues anything); bad declarations stop start-up. */
class EventWebhooksDeclarationTest {

    static FunctionManifest manifest(String yaml) throws Exception {
        return FunctionManifest.parse(new ByteArrayInputStream(("functions: []\n" + yaml).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theShippedSubscriberIsSkippedUntilItsUrlAndSecretAreSet() {
        var subscribers = EventWebhooks.parse(FunctionManifest.load());
        assertEquals(1, subscribers.size());
        var bots = subscribers.get("team-bots");
        assertEquals("FIREBREAK_EVENT_WEBHOOK_URL is not set", bots.skipped());
        for (String kind : EventWebhooks.EVENTS.values()) {
            assertTrue(!bots.wants(kind), kind);
        }
    }

    @Test
    void plainHttpUnknownEventsAndBadSecretNamesAreRefused() throws Exception {
        assertThrows(IllegalStateException.class, () -> EventWebhooks.parse(manifest("""
                event-webhooks:
                  - {name: a, url: "http://hooks.example.com/x", secretEnv: PATH}
                """)));
        assertThrows(IllegalStateException.class, () -> EventWebhooks.parse(manifest("""
                event-webhooks:
                  - {name: a, url: "https://hooks.example.com/x", secretEnv: PATH, events: [paged]}
                """)));
        assertThrows(IllegalStateException.class, () -> EventWebhooks.parse(manifest("""
                event-webhooks:
                  - {name: a, url: "https://hooks.example.com/x", secretEnv: "lower-case"}
                """)));
        var ok = EventWebhooks.parse(manifest("""
                event-webhooks:
                  - {name: a, url: "https://hooks.example.com/x", secretEnv: PATH, events: [resolved]}
                """)).get("a");
        assertEquals(null, ok.skipped());
        assertTrue(ok.wants("resolved"));
        assertTrue(!ok.wants("declared"));
    }

    @Test
    void aUrlFromTheEnvironmentThatIsNotHttpsSkipsThatSubscriberNotEveryFunction() throws Exception {
        System.setProperty("FB_TEST_EVENT_HOOK_URL", "http://hooks.example.com/x");
        try {
            var skipped = EventWebhooks.parse(manifest("""
                    event-webhooks:
                      - {name: a, url: "${FB_TEST_EVENT_HOOK_URL}", secretEnv: PATH}
                    """)).get("a");
            assertTrue(skipped.skipped() != null && skipped.skipped().contains("not an https URL"), skipped.skipped());
            assertTrue(!skipped.wants("declared"));
        } finally {
            System.clearProperty("FB_TEST_EVENT_HOOK_URL");
        }
    }
}
