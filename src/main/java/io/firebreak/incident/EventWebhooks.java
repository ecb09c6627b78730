package io.firebreak.incident;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.Outbox;
import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.platform.LogText;
import io.firebreak.providers.DeclaredUrl;
import io.firebreak.providers.SignedWebhooks;

/**
 * Signed incident-event webhooks to the subscribers functions.yaml declares ({@code event-webhooks:}),
 * so Opsgenie, Jira, a status mirror or a team's bot follow incidents without code in firebreak.
 *
 * <p>Why queue from inside {@link IncidentStore.Tx#addEvent} rather than read timeline_events with a
 * cursor: the delivery row commits with the timeline event or not at all, so a subscriber hears of an
 * event if and only if it happened, with no cursor to keep, lose or race between two watchers; every
 * writer of the timeline (functions, the watch job, the safety model's port) is covered by the one hook,
 * and with no subscriber declared the hook returns before touching the database. Delivery goes through
 * the shared outbox (lease, backoff, dead letters) right after the commit, detached from the caller, and
 * again from the watch-incidents schedule, so a slow or hanging receiver never delays an incident call.
 */
@ApplicationScoped
public class EventWebhooks {

    private static final Logger LOG = Logger.getLogger(EventWebhooks.class);

    /** The events a subscriber may ask for, by the name it uses, and the timeline kind each is. */
    public static final Map<String, String> EVENTS = Map.of(
            "declared", "declared",
            "updated", "status-update",
            "severity-changed", "severity-changed",
            "escalated", "escalated",
            "resolved", "resolved",
            "postmortem-written", "postmortem-written");

    static final String SNAPSHOT = """
            SELECT id, title, severity, status, impact, opened_at, resolved_at, escalation_level, postmortem_link
            FROM incidents WHERE id = $1""";

    static final String QUEUE = """
            INSERT INTO event_webhook_deliveries (incident_id, subscriber, event_id, event_type, body, next_attempt_at,
                                                  created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)
            ON CONFLICT (subscriber, event_id) DO NOTHING""";

    static final String CLAIM = """
            UPDATE event_webhook_deliveries d SET next_attempt_at = $2, attempts = d.attempts + 1
              FROM (SELECT id FROM event_webhook_deliveries
                     WHERE state = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $3
                     FOR UPDATE SKIP LOCKED) due
             WHERE d.id = due.id
            RETURNING d.id, d.incident_id, d.subscriber, d.event_id, d.event_type, d.body, d.attempts""";

    /** A declared subscriber; skipped (with why) when its URL or secret is not configured. */
    public record Subscriber(String name, URI url, String shown, Set<String> events, String secret, String skipped) {
        boolean wants(String kind) {
            return skipped == null && events.stream().anyMatch(e -> EVENTS.get(e).equals(kind));
        }

        /** Never the secret, nor the URL's query: a record's own toString would print both. */
        @Override
        public String toString() {
            return "Subscriber[" + name + " -> " + shown + ", " + events + (skipped == null ? "" : ", skipped: " + skipped) + "]";
        }
    }

    /** A claimed delivery. */
    public record Queued(long id, String incidentId, String subscriber, String eventId, String eventType, String body,
            int attempts) implements Outbox.Claimed {
    }

    /** One delivery attempt, as the watch job reports it. */
    @RegisterForReflection
    public record Attempt(long id, String subscriber, String eventId, String eventType, String state, String error) {
    }

    @Inject
    FunctionAdmission admission;

    @Inject
    Outbox outbox;

    @Inject
    SignedWebhooks webhooks;

    @Inject
    IncidentStore incidents;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    /** Connect to last byte of one delivery; a receiver that hangs is retried later, never waited on longer. */
    @ConfigProperty(name = "firebreak.event-webhooks.timeout", defaultValue = "5s")
    Duration timeout;

    private final Declared<Map<String, Subscriber>> subscribers = new Declared<>(() -> parse(admission.manifest()));

    void validate(@Observes StartupEvent start) {
        subscribers().values().stream().filter(s -> s.skipped() != null)
                .forEach(s -> LOG.infof("event webhook %s skipped: %s", s.name(), s.skipped()));
    }

    public Map<String, Subscriber> subscribers() {
        return subscribers.get();
    }

    static Map<String, Subscriber> parse(FunctionManifest manifest) {
        return manifest.section("event-webhooks", "event webhook", EventWebhooks::subscriber, Subscriber::name);
    }

    static Subscriber subscriber(JsonNode node) {
        String name = FunctionManifest.name(node, "event webhook");
        String what = "event-webhooks." + name;
        String raw = FunctionManifest.required(node, "url");
        Set<String> events = new LinkedHashSet<>();
        JsonNode listed = node.path("events");
        if (listed.isMissingNode() || listed.isNull()) {
            events.addAll(List.of("declared", "updated", "severity-changed", "escalated", "resolved", "postmortem-written"));
        } else {
            for (JsonNode e : listed) {
                if (!EVENTS.containsKey(e.asText())) {
                    throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what + " events are among "
                            + new java.util.TreeSet<>(EVENTS.keySet()) + ", not " + e.asText());
                }
                events.add(e.asText());
            }
        }
        String secretEnv = FunctionManifest.required(node, "secretEnv");
        if (!secretEnv.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalStateException(FunctionManifest.RESOURCE + ": " + what + " secretEnv names an environment variable, "
                    + "like FIREBREAK_EVENT_WEBHOOK_SECRET");
        }
        String shown = DeclaredUrl.shown(raw);
        List<String> unset = DeclaredUrl.unset(raw);
        if (!unset.isEmpty()) {
            return new Subscriber(name, null, shown, events, null, unset.get(0) + " is not set");
        }
        Optional<String> secret = DeclaredUrl.env(secretEnv);
        if (secret.isEmpty()) {
            return new Subscriber(name, null, shown, events, null, secretEnv + " is not set");
        }
        java.net.URI url;
        try {
            url = DeclaredUrl.parse(raw, what);
        } catch (IllegalStateException e) {
            if (DeclaredUrl.placeholders(raw).isEmpty()) {
                throw e;
            }
            // A value from the environment that is no https URL: that subscriber is skipped, never every function down.
            return new Subscriber(name, null, shown, events, null, "its URL is not an https URL: " + shown);
        }
        return new Subscriber(name, url, shown, Set.copyOf(events), secret.get(), null);
    }


    /**
     * Inside the transaction that just wrote timeline event eventRow: one delivery per subscriber
     * that wants its kind, the body fixed now (retries resend the same bytes). Answers whether any
     * was queued; with no subscriber for the kind it touches nothing.
     */
    Uni<Boolean> queue(SqlConnection tx, long eventRow, String incidentId, Instant at, String kind, String source,
            String summary, Object detail) {
        List<Subscriber> to = subscribers().values().stream().filter(s -> s.wants(kind)).toList();
        if (to.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        String name = EVENTS.entrySet().stream().filter(e -> e.getValue().equals(kind)).findFirst().orElseThrow().getKey();
        String type = "incident." + name.replace('-', '_');
        String eventId = "evt_" + incidentId + "_" + eventRow;
        return tx.preparedQuery(SNAPSHOT).execute(Tuple.of(incidentId)).flatMap(rows -> {
            String body = body(eventId, type, rows.iterator().next(), at, kind, source, summary, detail);
            OffsetDateTime now = OffsetDateTime.now(clock);
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Subscriber s : to) {
                chain = chain.flatMap(v -> tx.preparedQuery(QUEUE)
                        .execute(Tuple.tuple(List.of(incidentId, s.name(), eventId, type, body, now))).replaceWithVoid());
            }
            return chain.replaceWith(true);
        });
    }

    static final String REFRESH = """
            UPDATE event_webhook_deliveries SET body = $2 WHERE event_id = $1 AND state = 'pending'""";

    /**
     * Just before the transaction that queued an incident.declared commits: its body again, from the
     * incident as the declaration leaves it. declareOrAttach writes the event before the declaring
     * function adds the impact, the people and escalation level 1 to the row, and the snapshot of the
     * moment the event was written would lack them (and a receiver would never hear them otherwise).
     */
    Uni<Void> refresh(SqlConnection tx, long eventRow, String incidentId, Instant at, String kind, String source,
            String summary, Object detail) {
        String name = EVENTS.entrySet().stream().filter(e -> e.getValue().equals(kind)).findFirst().orElseThrow().getKey();
        String type = "incident." + name.replace('-', '_');
        String eventId = "evt_" + incidentId + "_" + eventRow;
        return tx.preparedQuery(SNAPSHOT).execute(Tuple.of(incidentId)).flatMap(rows -> tx.preparedQuery(REFRESH)
                .execute(Tuple.of(eventId, body(eventId, type, rows.iterator().next(), at, kind, source, summary, detail)))
                .replaceWithVoid());
    }

    private String body(String eventId, String type, Row i, Instant at, String kind, String source, String summary,
            Object detail) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", eventId);
        root.put("type", type);
        root.put("createdAt", at.toString());
        ObjectNode incident = root.putObject("incident");
        incident.put("id", i.getString("id"));
        incident.put("title", i.getString("title"));
        incident.put("severity", i.getString("severity"));
        incident.put("status", i.getString("status"));
        incident.put("impact", i.getString("impact"));
        incident.put("openedAt", instant(i, "opened_at"));
        incident.put("resolvedAt", instant(i, "resolved_at"));
        incident.put("escalationLevel", i.getInteger("escalation_level"));
        incident.put("postmortemLink", i.getString("postmortem_link"));
        ObjectNode event = root.putObject("event");
        event.put("kind", kind);
        event.put("at", at.toString());
        event.put("source", source);
        event.put("summary", summary);
        event.set("detail", detail == null ? mapper.createObjectNode() : mapper.valueToTree(detail));
        return root.toString();
    }

    private static String instant(Row r, String column) {
        OffsetDateTime at = r.getOffsetDateTime(column);
        return at == null ? null : at.toInstant().toString();
    }

    /** After a commit that queued deliveries: sends them detached from the caller, who has its answer already. */
    void kick() {
        deliver().subscribe().with(sent -> { }, e -> LOG.warnf("event webhooks deferred to the watch job: %s",
                LogText.loggable(String.valueOf(e.getMessage()))));
    }

    /**
     * Deliveries claimed per run: each may take the whole timeout (a hanging receiver), four at a time, so a
     * run inside the watch job (a 60 s Lambda) ends within three timeouts; the rest wait for the next run.
     */
    static final int BATCH = 12;

    /** Sends what is due: 2xx delivered; 408, 429, 5xx and no answer retried with backoff; any other answer dead. */
    public Uni<List<Attempt>> deliver() {
        return outbox.table("event_webhook_deliveries", CLAIM, EventWebhooks::queued).deliver(BATCH, this::send,
                this::told);
    }

    private Uni<Outbox.Sent> send(Queued q) {
        Subscriber s = subscribers().get(q.subscriber());
        if (s == null || s.skipped() != null) {
            return Uni.createFrom().item(new Outbox.Sent(false, true, null, "subscriber " + q.subscriber()
                    + " is no longer declared or configured", null));
        }
        long t = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("user-agent", "firebreak");
        headers.put("Firebreak-Event-Id", q.eventId());
        headers.put("Firebreak-Event-Type", q.eventType());
        headers.put("Firebreak-Timestamp", String.valueOf(t));
        headers.put("Firebreak-Signature", SignedWebhooks.signature(s.secret(), t, q.body()));
        return webhooks.post(s.url().toString(), headers, q.body(), timeout, timeout)
                .map(d -> new Outbox.Sent(d.sent(), d.permanent(), d.providerId(), d.error(), d.retryAfter()));
    }

    private Uni<Attempt> told(Outbox.Outcome<Queued> o) {
        Queued q = o.message();
        Attempt a = new Attempt(q.id(), q.subscriber(), q.eventId(), q.eventType(), o.state().json(),
                o.state() == Outbox.State.SENT ? null : o.send().error());
        if (o.state() != Outbox.State.DEAD) {
            return Uni.createFrom().item(a);
        }
        // Only the dead letter goes on the timeline: a delivered webhook per event and subscriber would drown it.
        return incidents.transaction(tx -> tx.addEvent(q.incidentId(), clock.instant(), "webhook-failed", "function:outbox",
                q.eventType() + " to " + q.subscriber() + " failed for good: " + o.send().error(),
                Map.of("eventId", q.eventId(), "subscriber", q.subscriber(), "attempts", q.attempts())))
                .replaceWith(a);
    }

    private static Queued queued(Row r) {
        return new Queued(r.getLong("id"), r.getString("incident_id"), r.getString("subscriber"), r.getString("event_id"),
                r.getString("event_type"), r.getString("body"), r.getInteger("attempts"));
    }
}
