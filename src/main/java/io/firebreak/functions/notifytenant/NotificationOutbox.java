package io.firebreak.functions.notifytenant;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.db.Outbox;
import io.firebreak.incident.IncidentStore;
import io.firebreak.platform.ScheduledJob;
import io.firebreak.providers.MessageChannels;

/**
 * Delivers the notifications outbox (every minute, and right after notify-tenant queues): due
 * messages are claimed with SKIP LOCKED, sent, and marked sent, retried with doubling backoff, or
 * dead-lettered after the last attempt or a permanent refusal — each outcome on the incident's timeline.
 */
@ApplicationScoped
public class NotificationOutbox implements ScheduledJob {

    public static final String NAME = "notification-outbox";

    @Inject
    Notifications outbox;

    @Inject
    MessageChannels channels;

    @Inject
    IncidentStore incidents;

    @Inject
    NotifyConfig config;

    @Inject
    Clock clock;

    /** One message's delivery attempt. */
    @RegisterForReflection
    public record Attempt(long id, String channel, String recipient, String state, int attempts, String error) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.notify.outbox-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return deliver().replaceWithVoid();
    }

    @Override
    public Uni<List<Attempt>> run() {
        return deliver();
    }

    public Uni<List<Attempt>> deliver() {
        return outbox.delivery().deliver(this::send, this::told);
    }

    private Uni<Outbox.Sent> send(Notifications.Queued n) {
        Uni<MessageChannels.Delivery> send = n.channel().equals("email")
                ? channels.email(n.recipient(), n.subject(), n.body(), "firebreak-notification-" + n.id())
                : channels.whatsapp(n.recipient(), template(n.phase()), n.body());
        return send.map(d -> new Outbox.Sent(d.sent(), d.permanent(), d.providerId(), d.error(), d.retryAfter()));
    }

    private Uni<Attempt> told(Outbox.Outcome<Notifications.Queued> o) {
        Notifications.Queued n = o.message();
        String error = o.send().error();
        Uni<Void> event = switch (o.state()) {
            case SENT -> event(n, "notification-sent", n.channel() + " to " + n.recipient() + " sent",
                    Map.of("notificationId", n.id(), "providerId", String.valueOf(o.send().providerId())));
            case DEAD -> event(n, "notification-dead", n.channel() + " to " + n.recipient() + " failed for good: " + error,
                    Map.of("notificationId", n.id(), "attempts", n.attempts()));
            case RETRYING -> Uni.createFrom().voidItem();
        };
        return event.replaceWith(new Attempt(n.id(), n.channel(), n.recipient(), o.state().json(), n.attempts(),
                o.state() == Outbox.State.SENT ? null : error));
    }

    private Uni<Void> event(Notifications.Queued n, String kind, String summary, Map<String, Object> detail) {
        return incidents.transaction(tx -> tx.addEvent(n.incidentId(), clock.instant(), kind, "schedule:" + NAME, summary,
                detail));
    }

    private String template(String phase) {
        return switch (phase) {
            case "investigating" -> config.investigating().whatsappTemplate();
            case "update" -> config.update().whatsappTemplate();
            default -> config.resolved().whatsappTemplate();
        };
    }
}
