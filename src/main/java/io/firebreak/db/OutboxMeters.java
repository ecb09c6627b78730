package io.firebreak.db;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The ops outboxes' backlog as gauges (firebreak_outbox_depth, firebreak_outbox_oldest_age_seconds
 * by outbox and channel): what is still pending and how long the oldest has waited, so a stuck
 * channel alerts before a tenant notices. One query for every outbox, cached (see CachedOpsRead).
 */
@ApplicationScoped
public class OutboxMeters {

    /** Pending messages per outbox table and channel; a status delivery's channel is its subscriber's kind. */
    static final String BACKLOG = """
            SELECT 'notifications' AS outbox, channel, count(*) AS depth, min(created_at) AS oldest
            FROM notifications WHERE state = 'pending' GROUP BY channel
            UNION ALL
            SELECT 'team_messages', channel, count(*), min(created_at)
            FROM team_messages WHERE state = 'pending' GROUP BY channel
            UNION ALL
            SELECT 'status_deliveries', s.kind, count(*), min(d.created_at)
            FROM status_deliveries d JOIN status_subscribers s ON s.id = d.subscriber_id
            WHERE d.state = 'pending' GROUP BY s.kind
            UNION ALL
            SELECT 'event_webhook_deliveries', 'webhook', count(*), min(created_at)
            FROM event_webhook_deliveries WHERE state = 'pending' HAVING count(*) > 0
            UNION ALL
            SELECT 'ticket_actions', 'github', count(*), min(created_at)
            FROM ticket_actions WHERE state = 'pending' HAVING count(*) > 0""";

    /** Every outbox and channel the migrations allow: each has its gauges from the start (0 when empty). */
    static final Map<String, List<String>> CHANNELS = Map.of(
            "notifications", List.of("whatsapp", "email"),
            "team_messages", List.of("slack", "email", "pagerduty"),
            "status_deliveries", List.of("email", "webhook"),
            "event_webhook_deliveries", List.of("webhook"),
            "ticket_actions", List.of("github"));

    /** One outbox channel's backlog: how many are pending, and since when the oldest. */
    record Backlog(long depth, java.time.Instant oldest) {
    }

    @Inject
    OpsDb ops;

    @Inject
    MeterRegistry registry;

    @Inject
    java.time.Clock clock;

    @ConfigProperty(name = "firebreak.metrics.ops-cache", defaultValue = "10s")
    Duration cache;

    /** The last reading by outbox/channel: null until the first read answered (the gauges show NaN until then). */
    private CachedOpsRead<Map<String, Backlog>> backlog;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final List<Meter> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();

    void start(@Observes StartupEvent started) {
        backlog = new CachedOpsRead<>("the outbox backlog", cache, null, () -> ops.preparedQuery(BACKLOG).execute()
                .map(rows -> {
                    Map<String, Backlog> byKey = new HashMap<>();
                    for (Row r : rows) {
                        String key = r.getString("outbox") + "/" + r.getString("channel");
                        byKey.put(key, new Backlog(r.getLong("depth"), r.getOffsetDateTime("oldest").toInstant()));
                        register(r.getString("outbox"), r.getString("channel"));
                    }
                    return byKey;
                }));
        CHANNELS.forEach((outbox, channels) -> channels.forEach(channel -> register(outbox, channel)));
    }

    private void register(String outbox, String channel) {
        String key = outbox + "/" + channel;
        if (!registered.add(key)) {
            return;
        }
        gauges.add(Gauge.builder("firebreak.outbox.depth", this, m -> m.depth(key))
                .description("Messages pending in an ops outbox (waiting or retrying; sent and dead ones excluded)")
                .tags("outbox", outbox, "channel", channel).strongReference(true).register(registry));
        gauges.add(Gauge.builder("firebreak.outbox.oldest.age", this, m -> m.oldestAgeSeconds(key))
                .description("How long the oldest pending message of an ops outbox has waited, 0 when none is pending")
                .baseUnit("seconds").tags("outbox", outbox, "channel", channel).strongReference(true).register(registry));
    }

    /** The registry outlives this application (it is Micrometer's global one): its gauges must not read a stopped one. */
    void stop(@Observes ShutdownEvent stopped) {
        gauges.forEach(registry::remove);
        gauges.clear();
        registered.clear();
    }

    double depth(String key) {
        Map<String, Backlog> r = backlog.current();
        if (r == null) {
            return Double.NaN;
        }
        Backlog b = r.get(key);
        return b == null ? 0 : b.depth();
    }

    double oldestAgeSeconds(String key) {
        Map<String, Backlog> r = backlog.current();
        if (r == null) {
            return Double.NaN;
        }
        Backlog b = r.get(key);
        // Aged to now, not to the read: a cached reading does not make the backlog look younger.
        return b == null ? 0 : Math.max(0, Duration.between(b.oldest(), clock.instant()).toMillis() / 1000.0);
    }
}
