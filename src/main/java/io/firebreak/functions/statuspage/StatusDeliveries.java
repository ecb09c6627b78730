package io.firebreak.functions.statuspage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import io.firebreak.db.OpsDb;
import io.firebreak.db.Outbox;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.StatusComponents;
import io.firebreak.providers.MessageChannels;
import io.firebreak.providers.ProviderSignatures;
import io.firebreak.providers.SignedWebhooks;

/**
 * What subscribers receive, through the ops outbox (retries with backoff, dead letters): every
 * public update and maintenance phase, queued idempotently from what the page shows (a dedupe key
 * per subscriber and update, so any instance and the minute job may queue it), to confirmed
 * subscribers of its components. Email through Resend with an unsubscribe link (and RFC 8058
 * one-click header text in the body's footer); webhooks as Statuspage-shaped JSON, signed.
 */
@ApplicationScoped
class StatusDeliveries {

    static final String SUBSCRIBERS = """
            SELECT id, kind, address, components, confirmed_at FROM status_subscribers
            WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL""";

    static final String CLAIM = """
            UPDATE status_deliveries d SET next_attempt_at = $2, attempts = d.attempts + 1
              FROM (SELECT id FROM status_deliveries
                     WHERE state = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $3
                     FOR UPDATE SKIP LOCKED) due
             WHERE d.id = due.id
            RETURNING d.id, d.subscriber_id, d.kind, d.subject, d.body, d.attempts,
                      (SELECT kind FROM status_subscribers s WHERE s.id = d.subscriber_id) AS channel,
                      (SELECT address FROM status_subscribers s WHERE s.id = d.subscriber_id) AS address,
                      (SELECT unsubscribed_at IS NOT NULL FROM status_subscribers s WHERE s.id = d.subscriber_id) AS gone""";

    /** How long one run keeps delivering, and how many attempts its answer lists. */
    static final Duration DELIVERY_BUDGET = Duration.ofSeconds(20);
    static final int REPORTED = 50;

    /** A webhook delivery, connect to last byte. */
    static final Duration SEND_DEADLINE = Duration.ofSeconds(10);

    /** Updates older than this are not sent to anyone (a restart after a long outage does not replay history). */
    static final Duration RECENT = Duration.ofHours(6);

    @Inject
    OpsDb ops;

    @Inject
    Outbox outbox;

    @Inject
    Subscriptions subscriptions;

    @Inject
    StatusComponents declared;

    @Inject
    MessageChannels channels;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @Inject
    SignedWebhooks webhooks;

    record Subscriber(UUID id, String kind, String address, List<String> components, Instant confirmedAt) {
        boolean wants(java.util.Collection<String> affected) {
            return components.isEmpty() || affected.isEmpty() || affected.stream().anyMatch(components::contains);
        }
    }

    record Queued(long id, UUID subscriberId, String kind, String subject, String body, int attempts, String channel,
            String address, boolean gone) implements Outbox.Claimed {
    }

    /** One delivery attempt, as the job reports it. */
    @RegisterForReflection
    record Attempt(long id, String channel, String state, int attempts, String error) {
    }

    /** One thing subscribers are told once: an incident update or a maintenance phase. */
    record Announcement(String key, Instant at, java.util.Collection<String> components, String kind, String name,
            String status, String body, java.util.function.Supplier<String> webhook) {
    }

    static final String ANNOUNCED = "SELECT key FROM status_announcements WHERE key = ANY($1)";

    static final String ANNOUNCE = """
            INSERT INTO status_announcements (key, announced_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING""";

    /**
     * Fans out what the view shows that was not announced yet: each announcement is claimed once
     * (any instance, any run), and its messages are queued in the claim's transaction, to the
     * subscribers confirmed by then who chose its components. Answers how many messages were queued.
     */
    Uni<Integer> queue(StatusView view, StatuspageJson json) {
        Instant now = clock.instant();
        List<Announcement> recent = new ArrayList<>();
        for (StatusView.IncidentView i : view.incidents()) {
            for (StatusView.Update u : i.updates()) {
                if (!u.at().isBefore(now.minus(RECENT))) {
                    recent.add(new Announcement("update/" + i.id() + "-" + u.id(), u.at(), i.components().keySet(),
                            "incident", i.name(), u.status(), u.body(), () -> webhook(json, view, i, null)));
                }
            }
        }
        for (StatusView.MaintenanceView m : view.maintenances()) {
            String phase = m.cancelledAt() != null ? "cancelled" : m.status();
            Instant at = switch (phase) {
                case "in_progress" -> m.scheduledFor();
                case "completed" -> m.scheduledUntil();
                case "cancelled" -> m.cancelledAt();
                default -> m.createdAt();
            };
            if (!at.isBefore(now.minus(RECENT))) {
                recent.add(new Announcement("maintenance/" + m.id() + "/" + phase, at, m.components(), "maintenance",
                        "Maintenance: " + m.name(), phase, m.body(), () -> webhook(json, view, null, m)));
            }
        }
        if (recent.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return ops.preparedQuery(ANNOUNCED).execute(Tuple.of(recent.stream().map(Announcement::key).toArray(String[]::new)))
                .flatMap(rows -> {
                    java.util.Set<String> done = new java.util.HashSet<>();
                    rows.forEach(r -> done.add(r.getString("key")));
                    List<Announcement> fresh = recent.stream().filter(a -> !done.contains(a.key())).toList();
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return ops.preparedQuery(SUBSCRIBERS).execute().flatMap(subs -> {
                        List<Subscriber> subscribers = new ArrayList<>();
                        subs.forEach(r -> subscribers.add(new Subscriber(r.getUUID("id"), r.getString("kind"),
                                r.getString("address"), List.of(r.getArrayOfStrings("components")),
                                r.getOffsetDateTime("confirmed_at").toInstant())));
                        Uni<Integer> all = Uni.createFrom().item(0);
                        for (Announcement a : fresh) {
                            all = all.flatMap(n -> announce(a, subscribers, view, now).map(m -> n + m));
                        }
                        return all;
                    });
                });
    }

    /** Claims one announcement and queues its messages in the same transaction; 0 if another run claimed it. */
    private Uni<Integer> announce(Announcement a, List<Subscriber> subscribers, StatusView view, Instant now) {
        return ops.withTransaction(conn -> conn.preparedQuery(ANNOUNCE).execute(Tuple.of(a.key(), IncidentStore.utc(now)))
                .flatMap(claimed -> {
                    if (claimed.rowCount() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    String hook = null;
                    List<Tuple> batch = new ArrayList<>();
                    for (Subscriber s : subscribers) {
                        if (!a.at().isBefore(s.confirmedAt()) && s.wants(a.components())) {
                            if (s.kind().equals("webhook") && hook == null) {
                                hook = a.webhook().get();
                            }
                            batch.add(tuple(s, a.kind(), "[" + view.page().name() + "] " + a.name() + ": "
                                    + StatusHtml.label(a.status()), s.kind().equals("email")
                                            ? mail(s, a.name(), a.status(), a.body()) : hook, a.key() + "/" + s.id(), now));
                        }
                    }
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return conn.preparedQuery(Subscriptions.QUEUE).executeBatch(batch).map(r -> {
                        int n = 0;
                        for (var set = r; set != null; set = set.next()) {
                            n += set.rowCount();
                        }
                        return n;
                    });
                }));
    }

    private static Tuple tuple(Subscriber s, String kind, String subject, String body, String key, Instant now) {
        return Tuple.from(new Object[] {s.id(), kind, subject, body, key, IncidentStore.utc(now)});
    }

    private String mail(Subscriber s, String name, String status, String body) {
        return name + "\n\n" + StatusHtml.label(status) + ": " + body + "\n\n"
                + declared.page().url().map(u -> "Status page: " + u + "/index.html\n").orElse("")
                + "Unsubscribe: " + subscriptions.link(s.id(), "unsubscribe") + "\n";
    }

    /** Statuspage's webhook shape: meta, page (with status indicator), and the incident. */
    private String webhook(StatuspageJson json, StatusView view, StatusView.IncidentView i, StatusView.MaintenanceView m) {
        ObjectNode n = mapper.createObjectNode();
        n.putObject("meta").put("unsubscribe", "").put("documentation", "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/");
        ObjectNode page = n.putObject("page");
        page.put("id", "firebreak").put("status_indicator", view.indicator()).put("status_description", view.description());
        n.set("incident", i != null ? json.incident(i) : json.maintenance(m));
        return n.toString();
    }

    /** Delivers what is due, batch after batch, within a time budget (a run never outlives its schedule). */
    Uni<List<Attempt>> deliver() {
        return deliver(clock.instant().plus(DELIVERY_BUDGET), new ArrayList<>());
    }

    private Uni<List<Attempt>> deliver(Instant until, List<Attempt> so) {
        return outbox.table("status_deliveries", CLAIM, StatusDeliveries::queued).deliver(this::send,
                o -> Uni.createFrom().item(new Attempt(o.message().id(), o.message().channel(), o.state().json(),
                        o.message().attempts(), o.state() == Outbox.State.SENT ? null : o.send().error())))
                .flatMap(batch -> {
                    so.addAll(batch);
                    // Only the first attempts are reported back: the answer stays small however many went out.
                    List<Attempt> report = so.size() > REPORTED ? so.subList(0, REPORTED) : so;
                    return batch.isEmpty() || clock.instant().isAfter(until) ? Uni.createFrom().item(List.copyOf(report))
                            : deliver(until, so);
                });
    }

    private Uni<Outbox.Sent> send(Queued q) {
        if (q.gone()) {
            return Uni.createFrom().item(new Outbox.Sent(false, true, null, "unsubscribed", null));
        }
        if (q.channel().equals("email")) {
            String body = q.body();
            return channels.email(q.address(), q.subject(), body, "firebreak-status-" + q.id())
                    .map(d -> new Outbox.Sent(d.sent(), d.permanent(), d.providerId(), d.error(), d.retryAfter()));
        }
        return Uni.createFrom().item(() -> subscriptions.deliverable(java.net.URI.create(q.address())))
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .flatMap(ok -> ok ? post(q) : Uni.createFrom().item(new Outbox.Sent(false, true, null,
                        "the webhook's host no longer resolves to a public address", null)));
    }

    private Uni<Outbox.Sent> post(Queued q) {
        String body = q.body().replace("\"unsubscribe\":\"\"",
                "\"unsubscribe\":\"" + subscriptions.link(q.subscriberId(), "unsubscribe") + "\"");
        long t = clock.instant().getEpochSecond();
        String signature = SignedWebhooks.signature(subscriptions.token("webhook", q.subscriberId()), t, body);
        return webhooks.post(q.address(), Map.of("user-agent", "firebreak-status", "x-firebreak-signature", signature,
                "x-firebreak-delivery", String.valueOf(q.id())), body, Duration.ofSeconds(5), SEND_DEADLINE)
                .map(d -> new Outbox.Sent(d.sent(), d.permanent(), d.providerId(), d.error(), d.retryAfter()));
    }

    static String hmac(String secret, String text) {
        return ProviderSignatures.hmacSha256Hex(secret, text);
    }

    private static Queued queued(Row r) {
        return new Queued(r.getLong("id"), r.getUUID("subscriber_id"), r.getString("kind"), r.getString("subject"),
                r.getString("body"), r.getInteger("attempts"), r.getString("channel"), r.getString("address"),
                Boolean.TRUE.equals(r.getBoolean("gone")));
    }

}
