package io.firebreak.incident;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.Outbox;
import io.firebreak.platform.LogText;
import io.firebreak.providers.github.GitHubChanges;
import io.firebreak.providers.github.GitHubIssues;

/**
 * Seed 003's incident ticket ({@code gh issue create --label incident,sev-X}): with FIREBREAK_TICKETS=github
 * and GitHub configured, a declared incident opens a GitHub issue in seed 003's template, its status
 * updates and the post-mortem link become comments, and resolution labels it Resolved and closes it.
 * Every call goes through the ticket_actions outbox (V16), queued in the transaction of the change it
 * follows and sent after the commit in the background, so GitHub being slow never holds the incident;
 * per incident strictly in order (nothing is claimed while an earlier action of its incident is pending).
 */
@ApplicationScoped
public class IncidentTicket {

    private static final Logger LOG = Logger.getLogger(IncidentTicket.class);
    static final String LABEL = "incident";
    static final String RESOLVED = "Resolved";
    /** Rounds of one background delivery: each sends at most one action per incident. */
    static final int ROUNDS = 20;

    // Only an incident whose issue was asked for gets comments: one declared while tickets were off has no ticket.
    static final String QUEUE = """
            INSERT INTO ticket_actions (incident_id, kind, body, dedupe_key, next_attempt_at, created_at)
            SELECT $1, $2, $3, $4, $5, $5
             WHERE $2 = 'create' OR EXISTS (SELECT 1 FROM ticket_actions c WHERE c.incident_id = $1 AND c.kind = 'create')
            ON CONFLICT (dedupe_key) DO NOTHING""";

    // Only the first pending action of each incident is due: a comment never overtakes its create.
    static final String CLAIM = """
            UPDATE ticket_actions m SET next_attempt_at = $2, attempts = m.attempts + 1
              FROM (SELECT a.id FROM ticket_actions a
                     WHERE a.state = 'pending' AND a.next_attempt_at <= $1
                       AND NOT EXISTS (SELECT 1 FROM ticket_actions b
                                        WHERE b.incident_id = a.incident_id AND b.id < a.id AND b.state = 'pending')
                     ORDER BY a.next_attempt_at, a.id LIMIT $3
                     FOR UPDATE OF a SKIP LOCKED) due
             WHERE m.id = due.id
            RETURNING m.id, m.incident_id, m.kind, m.body, m.attempts""";

    static final String STORE_NUMBER = """
            UPDATE incidents SET ticket_number = $2, ticket_url = $3 WHERE id = $1 AND ticket_number IS NULL""";

    /** A claimed action. */
    public record Queued(long id, String incidentId, String kind, String body, int attempts) implements Outbox.Claimed {
    }

    /** One delivery attempt, as a test or the watch job sees it. */
    @RegisterForReflection
    public record Attempt(long id, String incidentId, String kind, String state, String error) {
    }

    @ConfigProperty(name = "firebreak.tickets", defaultValue = "off")
    String tickets;

    @Inject
    GitHubChanges github;

    @Inject
    GitHubIssues issues;

    @Inject
    IncidentStore incidents;

    @Inject
    SeverityScale scale;

    @Inject
    Outbox outbox;

    @Inject
    OpsDb ops;

    @Inject
    Clock clock;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /** Tickets are opened: switched on (FIREBREAK_TICKETS=github) and GitHub configured (repository, token). */
    public boolean enabled() {
        return "github".equals(tickets.strip().toLowerCase(Locale.ROOT)) && github.skipped().isEmpty();
    }

    /**
     * Inside the transaction writing a timeline event: the ticket's action for it, if it has one
     * (declared: the issue; a status update, severity change, resolution, post-mortem: a comment;
     * resolved also closes it).
     */
    Uni<Void> queue(SqlConnection tx, String incidentId, Instant at, String kind, String summary, Object detail) {
        if (!enabled()) {
            return Uni.createFrom().voidItem();
        }
        String stamp = IncidentMessages.STAMP.format(at);
        List<Object[]> rows = new ArrayList<>();
        switch (kind) {
            case "declared" -> rows.add(new Object[] { "create", null, incidentId + "/create" });
            // Seed 003's status line, then what the update said.
            case "status-update" -> rows.add(new Object[] { "comment", "**" + stamp + "** **Status:** "
                    + IncidentMessages.capitalize(detail instanceof Map<?, ?> d && d.get("status") != null
                            ? String.valueOf(d.get("status")) : "update")
                    + "\n\n" + summary, incidentId + "/update/" + UUID.randomUUID() });
            case "severity-changed" ->
                rows.add(new Object[] { "comment", "**" + stamp + "** " + summary, incidentId + "/" + UUID.randomUUID() });
            case "postmortem-written" ->
                rows.add(new Object[] { "comment", "**" + stamp + "** " + summary, incidentId + "/postmortem/" + UUID.randomUUID() });
            case "resolved" -> {
                rows.add(new Object[] { "comment", "**" + stamp + "** " + summary, incidentId + "/resolved/comment" });
                rows.add(new Object[] { "close", null, incidentId + "/resolved/close" });
            }
            default -> {
                return Uni.createFrom().voidItem();
            }
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Object[] r : rows) {
            chain = chain.flatMap(v -> tx.preparedQuery(QUEUE)
                    .execute(Tuple.tuple(Arrays.asList(incidentId, r[0], r[1], r[2], now))).replaceWithVoid());
        }
        return chain;
    }

    /** After a commit: delivers in the background (one run at a time; a kick during a run runs again after it). */
    public void kick() {
        if (!enabled()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        deliverAll().subscribe().with(done -> finished(), e -> {
            LOG.warnf("incident ticket delivery deferred to the watch job: %s", LogText.loggable(String.valueOf(e.getMessage())));
            finished();
        });
    }

    private void finished() {
        running.set(false);
        if (again.getAndSet(false)) {
            kick();
        }
    }

    /** Delivers until nothing is due (at most {@value #ROUNDS} rounds); what was sent or failed, in order. */
    public Uni<List<Attempt>> deliverAll() {
        return deliverAll(ROUNDS);
    }

    /** The same within a number of rounds (the watch job's, inside its Lambda timeout). */
    public Uni<List<Attempt>> deliverAll(int max) {
        return rounds(new ArrayList<>(), 0, max);
    }

    private Uni<List<Attempt>> rounds(List<Attempt> done, int round, int max) {
        if (round >= max) {
            return Uni.createFrom().item(done);
        }
        return deliver().flatMap(attempts -> {
            done.addAll(attempts);
            return attempts.isEmpty() || attempts.stream().noneMatch(a -> !a.state().equals("retrying"))
                    ? Uni.createFrom().item(done) : rounds(done, round + 1, max);
        });
    }

    /** One round: each incident's first due action. */
    public Uni<List<Attempt>> deliver() {
        if (!enabled()) {
            return Uni.createFrom().item(List.of());
        }
        return outbox.table("ticket_actions", CLAIM, IncidentTicket::queued).deliver(this::send, this::told);
    }

    private Uni<Outbox.Sent> send(Queued q) {
        return incidents.find(q.incidentId()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Outbox.Sent(false, true, null, "no incident " + q.incidentId(), null));
            }
            Incident i = found.get();
            if (q.kind().equals("create")) {
                return create(q, i);
            }
            if (i.ticket() == null) {
                return Uni.createFrom().item(new Outbox.Sent(false, true, null,
                        "no GitHub issue was opened for " + i.id() + ": nothing to " + q.kind(), null));
            }
            Uni<GitHubIssues.Call> call = q.kind().equals("close")
                    ? issues.close(i.ticket().number(), List.of(LABEL, sevLabel(i.rank()), RESOLVED))
                    : issues.comment(i.ticket().number(), q.body());
            return call.map(c -> sent(c, "#" + i.ticket().number()));
        });
    }

    /** Opens the issue once: a stored number means done; after an attempt without an answer, look before opening. */
    private Uni<Outbox.Sent> create(Queued q, Incident i) {
        if (i.ticket() != null) {
            return Uni.createFrom().item(new Outbox.Sent(true, false, "#" + i.ticket().number(), null, null));
        }
        Uni<GitHubIssues.Call> earlier = q.attempts() > 1 ? issues.find(LABEL, marker(i.id()))
                : Uni.createFrom().item(new GitHubIssues.Call(true, false, null, null, null, null));
        return earlier.flatMap(found -> {
            if (!found.ok()) {
                return Uni.createFrom().item(sent(found, null));
            }
            Uni<GitHubIssues.Call> opened = found.number() != null ? Uni.createFrom().item(found)
                    : issues.create(title(i), body(i), List.of(LABEL, sevLabel(i.rank())));
            return opened.flatMap(c -> !c.ok() || c.number() == null
                    ? Uni.createFrom().item(sent(c.ok() ? new GitHubIssues.Call(false, false, null, null,
                            "GitHub answered without an issue number", null) : c, null))
                    : ops.preparedQuery(STORE_NUMBER).execute(Tuple.of(i.id(), c.number(), c.url()))
                            .replaceWith(new Outbox.Sent(true, false, "#" + c.number(), null, null)));
        });
    }

    private static Outbox.Sent sent(GitHubIssues.Call c, String id) {
        return new Outbox.Sent(c.ok(), c.permanent(), id, c.error(), c.retryAfter());
    }

    private Uni<Attempt> told(Outbox.Outcome<Queued> o) {
        Queued q = o.message();
        Uni<Void> event = Uni.createFrom().voidItem();
        if (o.state() == Outbox.State.SENT && q.kind().equals("create")) {
            event = incidents.find(q.incidentId()).flatMap(found -> {
                Incident.Ticket t = found.map(Incident::ticket).orElse(null);
                return t == null ? Uni.createFrom().voidItem() : incidents.transaction(tx -> tx.addEvent(q.incidentId(),
                        clock.instant(), "ticket-opened", "function:outbox", "GitHub issue #" + t.number() + " opened: " + t.url(),
                        Map.of("number", t.number(), "url", String.valueOf(t.url()))));
            });
        } else if (o.state() == Outbox.State.DEAD) {
            event = incidents.transaction(tx -> tx.addEvent(q.incidentId(), clock.instant(), "ticket-failed", "function:outbox",
                    "GitHub issue " + q.kind() + " failed for good: " + o.send().error(),
                    Map.of("actionId", q.id(), "kind", q.kind(), "attempts", q.attempts())));
        }
        return event.replaceWith(new Attempt(q.id(), q.incidentId(), q.kind(), o.state().json(),
                o.state() == Outbox.State.SENT ? null : o.send().error()));
    }

    /** Seed 003's scale (SEV1 most severe) whatever scale is configured: the stored rank P0 is sev-1. */
    static String sevLabel(Severity rank) {
        return "sev-" + (rank.ordinal() + 1);
    }

    static String marker(String incidentId) {
        return "<!-- firebreak:" + incidentId + " -->";
    }

    /** Seed 003: "SEV-X: [Brief description]". */
    String title(Incident i) {
        return "SEV-" + (i.rank().ordinal() + 1) + ": " + i.title();
    }

    /** Seed 003's incident template, from the record as it is when the issue is opened. */
    String body(Incident i) {
        String severity = String.valueOf(i.rank().ordinal() + 1);
        if (!scale.name().equals("sev1-sev4")) {
            severity += " (" + i.severity() + ")";
        }
        String deputy = i.roles().get("deputy");
        return marker(i.id()) + "\n"
                + "**Start Time:** " + i.openedAt().atOffset(ZoneOffset.UTC).format(java.time.format.DateTimeFormatter
                        .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")) + "\n"
                + "**Severity:** " + severity + "\n"
                + "**Impact:** " + (i.impact() == null ? "being assessed" : i.impact()) + "\n"
                + "**IC:** " + (i.commander() == null ? "unassigned" : i.commander()) + "\n"
                + "**Deputy:** " + (deputy == null ? "unassigned" : deputy) + "\n"
                + "**Status:** " + IncidentMessages.capitalize(i.status()) + "\n"
                + "\n## Timeline\n"
                + "- [" + IncidentMessages.STAMP.format(i.openedAt()) + "] Incident detected: " + i.id()
                + (i.declaredBy() == null ? "" : ", declared by " + i.declaredBy()) + " (firebreak)\n";
    }

    private static Queued queued(Row r) {
        return new Queued(r.getLong("id"), r.getString("incident_id"), r.getString("kind"), r.getString("body"),
                r.getInteger("attempts"));
    }
}
