package io.firebreak.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.firebreak.providers.github.GitHubChanges;

/**
 * Tickets are off unless switched on and GitHub is configured: off, nothing is queued (the
 * transaction is never touched) and nothing is delivered, so no GitHub call can follow.
 */
class IncidentTicketSwitchTest {

    static IncidentTicket ticket(String tickets, String repository, String token) throws Exception {
        GitHubChanges github = new GitHubChanges();
        set(github, "repository", Optional.ofNullable(repository));
        set(github, "token", Optional.ofNullable(token));
        IncidentTicket t = new IncidentTicket();
        t.tickets = tickets;
        t.github = github;
        return t;
    }

    static void set(Object target, String field, Object value) throws Exception {
        var f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    @Test
    void offOrUnconfiguredQueuesAndSendsNothing() throws Exception {
        for (IncidentTicket t : List.of(ticket("off", "acme/shop", "github_pat_x"), ticket("github", null, "github_pat_x"),
                ticket("github", "acme/shop", null), ticket("github", "not a repo", "github_pat_x"))) {
            assertFalse(t.enabled());
            // A null connection: any use of it would throw.
            t.queue(null, "INC-2026-12-01-001", Instant.EPOCH, "declared", "Declared", Map.of()).await().atMost(Duration.ofSeconds(1));
            assertEquals(List.of(), t.deliver().await().atMost(Duration.ofSeconds(1)));
            t.kick();
        }
        assertTrue(ticket("GitHub", "acme/shop", "github_pat_x").enabled());
    }

    @Test
    void onLambdaNothingIsSentInTheBackground() throws Exception {
        IncidentTicket t = ticket("github", "acme/shop", "github_pat_x");
        t.afterChange = "schedule";
        assertTrue(t.enabled());
        // No outbox, no database: a background delivery (which a frozen Lambda would stall mid-claim) would throw here.
        t.kick();
        // The Lambda build's defaults choose schedule; application.properties reads that binding.
        assertEquals("schedule", properties("src/main/lambda/META-INF/microprofile-config.properties")
                .getProperty("firebreak.binding.tickets-after-change"));
        assertEquals("${FIREBREAK_TICKETS_AFTER_CHANGE:${firebreak.binding.tickets-after-change:background}}",
                properties("src/main/resources/application.properties").getProperty("firebreak.tickets.after-change"));
    }

    static java.util.Properties properties(String file) throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void seed003sScaleWhateverIsConfigured() {
        assertEquals("sev-1", IncidentTicket.sevLabel(Severity.P0));
        assertEquals("sev-4", IncidentTicket.sevLabel(Severity.P3));
        assertEquals("<!-- firebreak:INC-2026-12-01-001 -->", IncidentTicket.marker("INC-2026-12-01-001"));
        assertEquals("<!-- firebreak:action:42 -->", IncidentTicket.actionMarker(42));
    }
}
