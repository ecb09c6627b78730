package io.firebreak.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.Outbox;
import io.firebreak.db.OutboxConfig;
import io.firebreak.platform.LogText;
import io.firebreak.providers.github.GitHubChanges;
import io.firebreak.providers.github.GitHubIssues;

/**
 * Seed 003's incident ticket ({@code gh issue create --label incident,sev-X}): with FIREBREAK_TICKETS=github
 * and GitHub configured, a declared incident opens a GitHub issue in seed 003's template, its status
 * updates and the post-mortem link become comments, and resolution labels it Resolved and closes it.
 * Every call goes through the ticket_actions outbox (V16), queued in the transaction of the change it
 * follows and sent after the commit (in the background in the HTTP service; by the watch job on Lambda),
 * so GitHub being slow never holds the incident; per incident strictly in order (nothing is claimed
 * while an earlier action of its incident is pending).
 *
 * <p>Why this outbox records its own outcomes instead of {@link Outbox.Table#deliver}: every GitHub write
 * here makes something people see twice if it is sent twice, so each write re-checks (and renews) its
 * claim right before it goes out, each outcome is recorded only by the claim that sent it, and an attempt
 * that may have been sent before (a lost answer, a frozen worker's claim taken over) first looks on
 * GitHub for what it would make: the issue by its marker, a comment by its action's marker.
 */
@ApplicationScoped
public class IncidentTicket {

    private static final Logger LOG = Logger.getLogger(IncidentTicket.class);
    static final String LABEL = "incident";
    static final String RESOLVED = "Resolved";
    /** Rounds of one background delivery: each sends at most one action per incident. */
    static final int ROUNDS = 20;
    /** Claimed actions per round, and how many are in flight at once (as the shared outbox). */
    static final int BATCH = 50;
    static final int IN_FLIGHT = 4;
    /** How often one incident's dead create (and its dead actions) is re-queued at most. */
    static final int MAX_REQUEUES = 3;
    /** How long after its queueing a dead create is still looked at. */
    static final Duration REQUEUE_FOR = Duration.ofDays(7);
    /** How often a dead create is looked at when nothing of its incident happens (the watch's runs). */
    static final Duration REQUEUE_EVERY = Duration.ofMinutes(5);
    /** Dead creates looked at per delivery: one GitHub read each; the first that fails ends the looking. */
    static final int REQUEUE_PER_RUN = 5;
    /** A retried comment looks for its earlier attempt among the issue's comments updated since its queueing, less this. */
    static final Duration COMMENT_SKEW = Duration.ofMinutes(5);

    // Only an incident whose issue was asked for gets comments: one declared while tickets were off has no ticket.
    static final String QUEUE = """
            INSERT INTO ticket_actions (incident_id, kind, body, dedupe_key, next_attempt_at, created_at)
            SELECT $1, $2, $3, $4, $5, $5
             WHERE $2 = 'create' OR EXISTS (SELECT 1 FROM ticket_actions c WHERE c.incident_id = $1 AND c.kind = 'create')
            ON CONFLICT (dedupe_key) DO NOTHING""";

    /** A later action of an incident whose create is dead: that create is looked at on the next delivery. */
    static final String NUDGE = """
            UPDATE ticket_actions SET next_attempt_at = $2
             WHERE incident_id = $1 AND kind = 'create' AND state = 'dead' AND next_attempt_at > $2""";

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
            RETURNING m.id, m.incident_id, m.kind, m.body, m.attempts, m.last_error, m.created_at""";

    /**
     * Right before a GitHub write: the claim is still this one (no other worker claimed since: attempts
     * unchanged) and its lease has not run out; it is renewed for the write's whole call.
     */
    static final String RENEW = """
            UPDATE ticket_actions SET next_attempt_at = $4
             WHERE id = $1 AND attempts = $2 AND state = 'pending' AND next_attempt_at > $3""";

    /** A claim given back unsent (the run's deadline passed before the write): due again, the attempt not counted. */
    static final String RELEASE = """
            UPDATE ticket_actions SET next_attempt_at = $3, attempts = attempts - 1
             WHERE id = $1 AND attempts = $2 AND state = 'pending'""";

    // Outcomes are recorded by the claim that sent them only: a worker whose claim was taken over records nothing.
    static final String SENT = """
            UPDATE ticket_actions SET state = 'sent', provider_id = $3, sent_at = $4, last_error = NULL
             WHERE id = $1 AND attempts = $2 AND state = 'pending'""";

    static final String RETRY = """
            UPDATE ticket_actions SET last_error = $3, next_attempt_at = $4
             WHERE id = $1 AND attempts = $2 AND state = 'pending'""";

    /** Dead; on a create, next_attempt_at is when it is next looked at for a re-queue. */
    static final String DEAD = """
            UPDATE ticket_actions SET state = 'dead', last_error = $3, next_attempt_at = $4
             WHERE id = $1 AND attempts = $2 AND state = 'pending'""";

    static final String STORE_NUMBER = """
            UPDATE incidents SET ticket_number = $2, ticket_url = $3 WHERE id = $1 AND ticket_number IS NULL""";

    static final String CREATE_STATE = """
            SELECT state FROM ticket_actions WHERE incident_id = $1 AND kind = 'create' ORDER BY id LIMIT 1""";

    /** Dead creates of incidents without an issue, due for a look, queued lately, not re-queued too often. */
    static final String REQUEUABLE = """
            SELECT a.id, a.incident_id,
                   (SELECT count(*) FROM timeline_events e WHERE e.incident_id = a.incident_id AND e.kind = 'ticket-requeued')
                       AS requeues
              FROM ticket_actions a JOIN incidents i ON i.id = a.incident_id
             WHERE a.kind = 'create' AND a.state = 'dead' AND i.ticket_number IS NULL
               AND a.next_attempt_at <= $1 AND a.created_at >= $2
               AND (SELECT count(*) FROM timeline_events e WHERE e.incident_id = a.incident_id AND e.kind = 'ticket-requeued') < $3
             ORDER BY a.next_attempt_at, a.id LIMIT $4""";

    static final String LOOK_LATER = """
            UPDATE ticket_actions SET next_attempt_at = $2 WHERE id = $1 AND state = 'dead'""";

    /** The create, found on GitHub after all: sent. */
    static final String CREATE_FOUND = """
            UPDATE ticket_actions SET state = 'sent', provider_id = $2, sent_at = $3, last_error = NULL
             WHERE id = $1 AND state = 'dead'""";

    /** Pending again with a fresh budget; last_error is kept, so each first looks for what an earlier attempt made. */
    static final String REQUEUE_ONE = """
            UPDATE ticket_actions SET state = 'pending', attempts = 0, next_attempt_at = $2
             WHERE id = $1 AND state = 'dead'""";

    static final String REQUEUE_LATER = """
            UPDATE ticket_actions SET state = 'pending', attempts = 0, next_attempt_at = $3
             WHERE incident_id = $1 AND id > $2 AND state = 'dead'""";

    /** get-incident's view of the ticket: its create (the first), whether the close went out, re-queues so far. */
    static final String COLUMNS = """
                   tc.state AS ticket_create_state, tc.last_error AS ticket_create_error, tc.created_at AS ticket_create_at,
                   EXISTS (SELECT 1 FROM ticket_actions x WHERE x.incident_id = i.id AND x.kind = 'close' AND x.state = 'sent')
                       AS ticket_closed,
                   (SELECT count(*) FROM timeline_events e WHERE e.incident_id = i.id AND e.kind = 'ticket-requeued')
                       AS ticket_requeues
            """;

    static final String JOIN = """

            LEFT JOIN LATERAL (SELECT c.state, c.last_error, c.created_at FROM ticket_actions c
                                WHERE c.incident_id = i.id AND c.kind = 'create' ORDER BY c.id LIMIT 1) tc ON true
            """;

    /** A claimed action; mayHaveBeenSent: an earlier claim of it may have reached GitHub. */
    public record Queued(long id, String incidentId, String kind, String body, int attempts, String lastError,
            Instant createdAt) implements Outbox.Claimed {
        boolean mayHaveBeenSent() {
            return attempts > 1 || lastError != null;
        }
    }

    /** One delivery attempt, as a test or the watch job sees it: sent, retrying, dead or withheld (nothing sent). */
    @RegisterForReflection
    public record Attempt(long id, String incidentId, String kind, String state, String error) {
    }

    /** What a send came to; withheld: nothing recorded (the claim is not this worker's, or was given back). */
    record Sent(boolean sent, boolean permanent, String providerId, String error, Duration retryAfter, boolean withheld,
            boolean quiet) {
        static Sent of(GitHubIssues.Call c, String id) {
            return new Sent(c.ok(), c.permanent(), id, c.error(), c.retryAfter(), c.withheld(), false);
        }

        static Sent done(String id) {
            return new Sent(true, false, id, null, null, false, false);
        }

        static Sent refused(String error, boolean quiet) {
            return new Sent(false, true, null, error, null, false, quiet);
        }
    }

    @ConfigProperty(name = "firebreak.tickets", defaultValue = "off")
    String tickets;

    /** background (sent right after the commit: the HTTP service) or schedule (by the watch job only: Lambda). */
    @ConfigProperty(name = "firebreak.tickets.after-change", defaultValue = "background")
    String afterChange;

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
    OutboxConfig config;

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

    /** Delivered right after a change commits; otherwise (a Lambda, frozen once it answers) by the watch job only. */
    boolean background() {
        return afterChange == null || !"schedule".equals(afterChange.strip().toLowerCase(Locale.ROOT));
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
        Uni<Void> chain = kind.equals("declared") ? Uni.createFrom().voidItem()
                : tx.preparedQuery(NUDGE).execute(Tuple.of(incidentId, now)).replaceWithVoid();
        for (Object[] r : rows) {
            chain = chain.flatMap(v -> tx.preparedQuery(QUEUE)
                    .execute(Tuple.tuple(Arrays.asList(incidentId, r[0], r[1], r[2], now))).replaceWithVoid());
        }
        return chain;
    }

    /** After a commit: delivers in the background (one run at a time; a kick during a run runs again after it). */
    public void kick() {
        if (!enabled() || !background()) {
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

    /** The same within a number of rounds. */
    public Uni<List<Attempt>> deliverAll(int max) {
        return deliverAll(max, Instant.MAX);
    }

    /**
     * The same, starting no GitHub write after notAfter (the watch job's share of its Lambda's timeout: a
     * write still in flight then ends within the provider timeout; a claim not yet sent is given back).
     * Dead creates GitHub may take now are re-queued first.
     */
    public Uni<List<Attempt>> deliverAll(int max, Instant notAfter) {
        if (!enabled()) {
            return Uni.createFrom().item(List.of());
        }
        // A re-queue that fails (the ops database, say) must not keep what is due from being sent.
        return requeue(notAfter).onFailure().recoverWithItem(e -> {
            LOG.warnf("incident ticket re-queue deferred to the next run: %s", LogText.loggable(String.valueOf(e.getMessage())));
            return null;
        }).flatMap(v -> rounds(new ArrayList<>(), 0, max, notAfter));
    }

    private Uni<List<Attempt>> rounds(List<Attempt> done, int round, int max, Instant notAfter) {
        if (round >= max || clock.instant().isAfter(notAfter)) {
            return Uni.createFrom().item(done);
        }
        return deliver(notAfter).flatMap(attempts -> {
            done.addAll(attempts);
            // Another round only when one finished something: retries wait for their backoff, withheld ones for the next run.
            return attempts.stream().anyMatch(a -> a.state().equals("sent") || a.state().equals("dead"))
                    ? rounds(done, round + 1, max, notAfter) : Uni.createFrom().item(done);
        });
    }

    /** One round: each incident's first due action. */
    public Uni<List<Attempt>> deliver() {
        return deliver(Instant.MAX);
    }

    Uni<List<Attempt>> deliver(Instant notAfter) {
        if (!enabled()) {
            return Uni.createFrom().item(List.of());
        }
        return claim(BATCH).flatMap(due -> Multi.createFrom().iterable(due)
                .onItem().transformToUni(q -> send(q, notAfter).flatMap(s -> record(q, s)))
                .merge(IN_FLIGHT).collect().asList());
    }

    /** Claims due actions under the outbox lease (attempts + 1 each: a claim is its id and attempts). */
    Uni<List<Queued>> claim(int batch) {
        return outbox.table("ticket_actions", CLAIM, IncidentTicket::queued).claim(batch);
    }

    /**
     * The guard of every write of this claim: past notAfter the claim is given back unsent; otherwise it
     * must still be this worker's, its lease unexpired, and is renewed for the call. A process frozen
     * between its claim and its write (a Lambda between invocations) thus never writes once another
     * worker may have taken the action over.
     */
    GitHubIssues.Guard held(Queued q, Instant notAfter) {
        return () -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            if (now.toInstant().isAfter(notAfter)) {
                return ops.preparedQuery(RELEASE).execute(Tuple.of(q.id(), q.attempts(), now)).replaceWith(false);
            }
            return ops.preparedQuery(RENEW).execute(Tuple.of(q.id(), q.attempts(), now, now.plus(config.lease())))
                    .map(rows -> {
                        if (rows.rowCount() == 0) {
                            LOG.infof("ticket action %d (%s of %s): claim taken over or its lease ran out, not sent", q.id(),
                                    q.kind(), q.incidentId());
                        }
                        return rows.rowCount() == 1;
                    });
        };
    }

    Uni<Sent> send(Queued q, Instant notAfter) {
        if (clock.instant().isAfter(notAfter)) {
            return ops.preparedQuery(RELEASE).execute(Tuple.of(q.id(), q.attempts(), OffsetDateTime.now(clock)))
                    .replaceWith(new Sent(false, false, null, "past this run's deadline: given back", null, true, true));
        }
        GitHubIssues.Guard go = held(q, notAfter);
        return incidents.find(q.incidentId()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Sent.refused("no incident " + q.incidentId(), false));
            }
            Incident i = found.get();
            if (q.kind().equals("create")) {
                return create(q, i, go);
            }
            if (i.ticket() == null || !i.ticket().opened()) {
                // Its create failed: this action is re-queued with it once GitHub answers again (nothing on the timeline
                // for each: the create's failure is there, and get-incident's ticket says what happens next).
                return ops.preparedQuery(CREATE_STATE).execute(Tuple.of(i.id())).map(rows -> {
                    boolean dead = rows.iterator().hasNext() && "dead".equals(rows.iterator().next().getString("state"));
                    return Sent.refused("no GitHub issue was opened for " + i.id() + ": nothing to " + q.kind()
                            + (dead ? " (re-queued with the issue's create once GitHub answers again)" : ""), dead);
                });
            }
            int number = i.ticket().number();
            String id = "#" + number;
            if (q.kind().equals("close")) {
                // Adding Resolved (never a PATCH of labels, which would drop labels people added), then closing.
                return issues.addLabels(number, List.of(RESOLVED), go).flatMap(labelled -> !labelled.ok()
                        ? Uni.createFrom().item(Sent.of(labelled, null))
                        : issues.close(number, go).map(c -> Sent.of(c, id)));
            }
            String body = q.body() + "\n\n" + actionMarker(q.id());
            Uni<GitHubIssues.Call> earlier = q.mayHaveBeenSent()
                    ? issues.findComment(number, actionMarker(q.id()), q.createdAt().minus(COMMENT_SKEW))
                    : Uni.createFrom().item(new GitHubIssues.Call(true, false, null, null, null, null));
            return earlier.flatMap(e -> !e.ok() ? Uni.createFrom().item(Sent.of(e, null))
                    : e.url() != null ? Uni.createFrom().item(Sent.done(id))
                    : issues.comment(number, body, go).map(c -> Sent.of(c, id)));
        });
    }

    /** Opens the issue once: a stored number means done; an attempt that may follow an earlier one looks first. */
    private Uni<Sent> create(Queued q, Incident i, GitHubIssues.Guard go) {
        if (i.ticket() != null && i.ticket().opened()) {
            return Uni.createFrom().item(Sent.done("#" + i.ticket().number()));
        }
        Uni<GitHubIssues.Call> earlier = q.mayHaveBeenSent() ? issues.find(LABEL, marker(i.id()))
                : Uni.createFrom().item(new GitHubIssues.Call(true, false, null, null, null, null));
        return earlier.flatMap(found -> {
            if (!found.ok()) {
                return Uni.createFrom().item(Sent.of(found, null));
            }
            Uni<GitHubIssues.Call> opened = found.number() != null ? Uni.createFrom().item(found)
                    : issues.create(title(i), body(i), List.of(LABEL, sevLabel(i.rank())), go);
            return opened.flatMap(c -> !c.ok() || c.number() == null
                    ? Uni.createFrom().item(Sent.of(c.ok() ? new GitHubIssues.Call(false, false, null, null,
                            "GitHub answered without an issue number", null) : c, null))
                    : ops.preparedQuery(STORE_NUMBER).execute(Tuple.of(i.id(), c.number(), c.url()))
                            .replaceWith(Sent.done("#" + c.number())));
        });
    }

    /** Records what this claim's send came to, then tells it (the timeline for an opened issue or a dead action). */
    private Uni<Attempt> record(Queued q, Sent s) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (s.withheld()) {
            return Uni.createFrom().item(new Attempt(q.id(), q.incidentId(), q.kind(), "withheld", s.error()));
        }
        Uni<Outbox.State> recorded;
        if (s.sent()) {
            recorded = ops.preparedQuery(SENT).execute(Tuple.of(q.id(), q.attempts(), s.providerId(), now))
                    .map(rows -> rows.rowCount() == 1 ? Outbox.State.SENT : null);
        } else if (s.permanent() || q.attempts() >= config.maxAttempts()) {
            recorded = ops.preparedQuery(DEAD).execute(Tuple.of(q.id(), q.attempts(), s.error(), now.plus(REQUEUE_EVERY)))
                    .map(rows -> rows.rowCount() == 1 ? Outbox.State.DEAD : null);
        } else {
            Duration wait = outbox.retryAfter(q.attempts());
            if (s.retryAfter() != null && s.retryAfter().compareTo(wait) > 0) {
                wait = s.retryAfter();
            }
            recorded = ops.preparedQuery(RETRY).execute(Tuple.of(q.id(), q.attempts(), s.error(), now.plus(wait)))
                    .map(rows -> rows.rowCount() == 1 ? Outbox.State.RETRYING : null);
        }
        return recorded.flatMap(state -> state == null
                // Another worker claimed it meanwhile: its outcome is that worker's to record.
                ? Uni.createFrom().item(new Attempt(q.id(), q.incidentId(), q.kind(), "withheld", "claim taken over"))
                : told(q, state, s));
    }

    private Uni<Attempt> told(Queued q, Outbox.State state, Sent s) {
        Uni<Void> event = Uni.createFrom().voidItem();
        if (state == Outbox.State.SENT && q.kind().equals("create")) {
            event = opened(q.incidentId(), "opened");
        } else if (state == Outbox.State.DEAD && !s.quiet()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("actionId", q.id());
            detail.put("kind", q.kind());
            detail.put("attempts", q.attempts());
            event = incidents.transaction(tx -> tx.addEvent(q.incidentId(), clock.instant(), "ticket-failed", "function:outbox",
                    "GitHub issue " + q.kind() + " failed for good: " + s.error(), detail));
        }
        return event.replaceWith(new Attempt(q.id(), q.incidentId(), q.kind(), state.json(),
                state == Outbox.State.SENT ? null : s.error()));
    }

    private Uni<Void> opened(String incidentId, String how) {
        return incidents.find(incidentId).flatMap(found -> {
            Incident.Ticket t = found.map(Incident::ticket).filter(Incident.Ticket::opened).orElse(null);
            return t == null ? Uni.createFrom().voidItem() : incidents.transaction(tx -> tx.addEvent(incidentId,
                    clock.instant(), "ticket-opened", "function:outbox", "GitHub issue #" + t.number() + " " + how + ": " + t.url(),
                    Map.of("number", t.number(), "url", String.valueOf(t.url()))));
        });
    }

    /**
     * Dead creates (retries spent, or refused) of incidents still without an issue: once GitHub answers a
     * read again, each is re-queued with its incident's later dead actions, in order and with a fresh
     * budget, at most {@value #MAX_REQUEUES} times per incident and within {@link #REQUEUE_FOR} of its
     * queueing; or, when the issue is found after all (an answer lost before the create died), the number
     * is stored and the later actions follow. A later action of the incident makes its dead create due
     * for this look at once; otherwise it is looked at every {@link #REQUEUE_EVERY}.
     */
    Uni<Void> requeue(Instant notAfter) {
        Instant now = clock.instant();
        return ops.preparedQuery(REQUEUABLE).execute(Tuple.of(IncidentStore.utc(now), IncidentStore.utc(now.minus(REQUEUE_FOR)),
                MAX_REQUEUES, REQUEUE_PER_RUN)).flatMap(rows -> {
                    List<long[]> due = new ArrayList<>();
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> {
                        due.add(new long[] { r.getLong("id"), r.getLong("requeues") });
                        ids.add(r.getString("incident_id"));
                    });
                    return requeue(due, ids, 0, notAfter);
                });
    }

    private Uni<Void> requeue(List<long[]> due, List<String> ids, int n, Instant notAfter) {
        if (n >= due.size() || clock.instant().isAfter(notAfter)) {
            return Uni.createFrom().voidItem();
        }
        long actionId = due.get(n)[0];
        int requeues = (int) due.get(n)[1];
        String incidentId = ids.get(n);
        return issues.find(LABEL, marker(incidentId)).flatMap(found -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            if (!found.ok()) {
                // GitHub does not answer yet: the rest would not get an answer either; look again later.
                return ops.preparedQuery(LOOK_LATER).execute(Tuple.of(actionId, now.plus(REQUEUE_EVERY))).replaceWithVoid();
            }
            return incidents.transaction(tx -> {
                SqlConnection c = tx.connection();
                Uni<Boolean> first = found.number() != null
                        ? c.preparedQuery(CREATE_FOUND).execute(Tuple.of(actionId, "#" + found.number(), now))
                                .flatMap(rs -> rs.rowCount() == 0 ? Uni.createFrom().item(false)
                                        : c.preparedQuery(STORE_NUMBER).execute(Tuple.of(incidentId, found.number(), found.url()))
                                                .replaceWith(true))
                        : c.preparedQuery(REQUEUE_ONE).execute(Tuple.of(actionId, now)).map(rs -> rs.rowCount() == 1);
                return first.flatMap(mine -> !mine ? Uni.createFrom().item(false)
                        : c.preparedQuery(REQUEUE_LATER).execute(Tuple.of(incidentId, actionId, now)).flatMap(later -> {
                            Map<String, Object> detail = new LinkedHashMap<>();
                            detail.put("actionId", actionId);
                            detail.put("requeue", requeues + 1);
                            detail.put("of", MAX_REQUEUES);
                            detail.put("laterActions", later.rowCount());
                            if (found.number() != null) {
                                detail.put("found", found.number());
                            }
                            String summary = (found.number() != null
                                    ? "GitHub issue #" + found.number() + " found (an earlier create's answer was lost)"
                                    : "GitHub answers again: the issue's create re-queued")
                                    + (later.rowCount() == 0 ? "" : " with " + later.rowCount() + " later ticket action(s)")
                                    + " (" + (requeues + 1) + " of " + MAX_REQUEUES + ")";
                            return tx.addEvent(incidentId, now.toInstant(), "ticket-requeued", "function:outbox", summary, detail)
                                    .replaceWith(true);
                        }));
            }).flatMap(done -> done && found.number() != null ? opened(incidentId, "found") : Uni.createFrom().voidItem())
                    .flatMap(v -> requeue(due, ids, n + 1, notAfter));
        });
    }

    /** get-incident's ticket from the incident row (with {@link #COLUMNS}); null when none was ever asked for. */
    static Incident.Ticket ticket(Row r) {
        Integer number = r.getInteger("ticket_number");
        boolean viewed = r.getColumnIndex("ticket_create_state") >= 0;
        String create = viewed ? r.getString("ticket_create_state") : null;
        if (number == null && create == null) {
            return null;
        }
        int requeues = viewed ? r.getLong("ticket_requeues").intValue() : 0;
        if (number != null) {
            boolean closed = viewed && Boolean.TRUE.equals(r.getBoolean("ticket_closed"));
            return new Incident.Ticket(number, r.getString("ticket_url"), closed ? "closed" : "open", null, requeues, null);
        }
        String error = r.getString("ticket_create_error");
        if (!create.equals("dead")) {
            return new Incident.Ticket(null, null, "opening", error, requeues, error == null ? null : "retrying");
        }
        OffsetDateTime queued = r.getOffsetDateTime("ticket_create_at");
        String until = queued.toInstant().plus(REQUEUE_FOR).toString();
        String note = requeues >= MAX_REQUEUES
                ? "not re-queued again: " + MAX_REQUEUES + " re-queues used"
                : "re-queued with the incident's later ticket actions once GitHub answers again (" + requeues + " of "
                        + MAX_REQUEUES + " re-queues used; looked at every " + REQUEUE_EVERY.toMinutes()
                        + " min and at the incident's next change, until " + until + ")";
        return new Incident.Ticket(null, null, "failed", error, requeues, note);
    }

    /** Seed 003's scale (SEV1 most severe) whatever scale is configured: the stored rank P0 is sev-1. */
    static String sevLabel(Severity rank) {
        return "sev-" + (rank.ordinal() + 1);
    }

    static String marker(String incidentId) {
        return "<!-- firebreak:" + incidentId + " -->";
    }

    /** In each comment's body: a retry whose earlier answer was lost finds the comment by it. */
    static String actionMarker(long actionId) {
        return "<!-- firebreak:action:" + actionId + " -->";
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
                r.getInteger("attempts"), r.getString("last_error"), r.getOffsetDateTime("created_at").toInstant());
    }
}
