package io.firebreak.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.db.Outbox;
import io.firebreak.platform.LogText;
import io.firebreak.providers.MessageChannels;

/**
 * The team's side of an incident: the seeds' templates filled from the record, the incident's Slack
 * channel (seed 001's #incident-YYYY-MM-DD-HH-MM), and delivery of the team outbox with retries,
 * each sent or failed message on the incident's timeline.
 */
@ApplicationScoped
public class IncidentMessages {

    private static final Logger LOG = Logger.getLogger(IncidentMessages.class);
    public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter CHANNEL_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm").withZone(ZoneOffset.UTC);

    @Inject
    IncidentConfig config;

    @Inject
    SeverityScale scale;

    @Inject
    MessageChannels channels;

    @Inject
    TeamMessages outbox;

    @Inject
    IncidentStore incidents;

    @Inject
    IncidentTicket ticket;


    @Inject
    Clock clock;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "pagerduty.routing-key")
    Optional<String> pagerdutyKey;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    /** PagerDuty's routing (integration) key: 32 characters. */
    static final java.util.regex.Pattern ROUTING_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9]{32}");

    /** A malformed key is said once at start-up; that level is then not paged (never a failing boot). */
    void checkKeys(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent started) {
        List<IncidentConfig.Level> levels = config.escalation().levels();
        for (int n = 1; n <= levels.size(); n++) {
            String why = pagingSkipped(n);
            if (why != null && why.contains("32-character")) {
                LOG.warnf("escalation level %d is not paged through PagerDuty: %s", n, why);
            }
        }
    }

    /** One delivery attempt of a team message. */
    @RegisterForReflection
    public record Attempt(long id, String channel, String recipient, String state, String error) {
    }

    /** The placeholders every template may use, from the incident as recorded now. */
    public Map<String, String> fields(Incident i, Instant now) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", i.id());
        f.put("title", i.title());
        f.put("severity", i.severity());
        f.put("severityTitle", scale.level(i.rank()).title());
        f.put("impact", i.impact() == null ? "being assessed" : i.impact());
        f.put("status", capitalize(i.status()));
        f.put("startedAt", STAMP.format(i.openedAt()));
        f.put("time", TIME.format(now));
        f.put("commander", i.commander() == null ? "unassigned" : i.commander());
        f.put("nextUpdate", i.nextUpdateDue() == null ? "when there is news" : TIME.format(i.nextUpdateDue()));
        f.put("channel", i.channel() == null ? "none" : i.channel());
        f.put("elapsed", duration(Duration.between(i.openedAt(), now)));
        return f;
    }

    public static String render(String template, Map<String, String> fields) {
        String out = template;
        for (var e : fields.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
        }
        return out;
    }

    public boolean slack() {
        return channels.slackConfigured();
    }

    /** A post to the incident's channel (or the fallback room); none when Slack is not configured. */
    public List<TeamMessages.Message> toIncidentChannel(String kind, String text, String dedupeKey) {
        return slack() ? List.of(new TeamMessages.Message(kind, "slack", TeamMessages.INCIDENT_CHANNEL, null, text, dedupeKey))
                : List.of();
    }

    /** A post to the incident's channel and to every contact of an escalation level. */
    public List<TeamMessages.Message> toLevel(int level, String kind, String subject, String text, String dedupeKey) {
        List<TeamMessages.Message> out = new ArrayList<>(toIncidentChannel(kind, text, dedupeKey));
        out.addAll(toContacts(level, kind, subject, text, dedupeKey));
        return out;
    }

    /** A message to every contact of an escalation level (Slack ids or #channels, emails). */
    public List<TeamMessages.Message> toContacts(int level, String kind, String subject, String text, String dedupeKey) {
        List<TeamMessages.Message> out = new ArrayList<>();
        IncidentConfig.Level l = config.escalation().levels().get(level - 1);
        if (slack()) {
            l.slack().orElse(List.of()).forEach(to -> out.add(new TeamMessages.Message(kind, "slack", to, null, text,
                    dedupeKey + "/slack:" + to)));
        }
        l.email().orElse(List.of()).forEach(to -> out.add(new TeamMessages.Message(kind, "email", to, subject, text,
                dedupeKey + "/email:" + to)));
        return out;
    }

    /** The routing key a level pages, or null: "on" is PAGERDUTY_ROUTING_KEY, "off"/unset none, else its own key. */
    String routingKey(int level) {
        return pagingSkipped(level) == null ? rawKey(level) : null;
    }

    private String rawKey(int level) {
        String v = config.escalation().levels().get(level - 1).pagerduty().map(String::strip).orElse("");
        return v.equalsIgnoreCase("on") ? pagerdutyKey.map(String::strip).orElse("") : v.equalsIgnoreCase("off") ? "" : v;
    }

    /** Why a level is not paged through PagerDuty, or null when it is. */
    public String pagingSkipped(int level) {
        String v = config.escalation().levels().get(level - 1).pagerduty().map(String::strip).orElse("");
        if (v.isEmpty() || v.equalsIgnoreCase("off")) {
            return "level " + level + " is not paged through PagerDuty";
        }
        String key = rawKey(level);
        if (key.isEmpty()) {
            return "PAGERDUTY_ROUTING_KEY is not set";
        }
        return ROUTING_KEY.matcher(key).matches() ? null
                : (v.equalsIgnoreCase("on") ? "PAGERDUTY_ROUTING_KEY" : "level " + level + "'s routing key")
                        + " is not a 32-character PagerDuty routing key";
    }

    /** PagerDuty's severities by the scale's rank (P0 critical .. P3 info), whatever the labels read. */
    static String pagerdutySeverity(Severity rank) {
        return switch (rank) {
            case P0 -> "critical";
            case P1 -> "error";
            case P2 -> "warning";
            case P3 -> "info";
        };
    }

    /**
     * Seed 001's page: a PagerDuty trigger for this level's service, dedup_key the incident id, so a
     * retried or repeated trigger is the same PagerDuty incident. None when the level is not paged.
     */
    public List<TeamMessages.Message> page(Incident i, Severity rank, int level) {
        if (routingKey(level) == null) {
            return List.of();
        }
        var event = mapper.createObjectNode().put("event_action", "trigger").put("dedup_key", i.id());
        String summary = "[" + scale.label(rank) + "] " + i.id() + " " + i.title();
        event.putObject("payload").put("summary", summary.length() > 1024 ? summary.substring(0, 1024) : summary)
                .put("source", "firebreak").put("severity", pagerdutySeverity(rank))
                .putObject("custom_details").put("incident", i.id()).put("level", level)
                .put("levelName", config.escalation().levels().get(level - 1).name());
        return List.of(new TeamMessages.Message("page", "pagerduty", "level-" + level, null, event.toString(),
                i.id() + "/escalation/" + level + "/pagerduty"));
    }

    /**
     * The acknowledge that follows a page of an incident a person already acknowledged (a monitor
     * declared it, someone acted before its first level was paged): PagerDuty's alert must not ring
     * for what firebreak knows is being handled. Its own key: an earlier acknowledge PagerDuty ignored
     * (no alert yet) must not stop this one.
     */
    public List<TeamMessages.Message> acknowledgeAfterPage(Incident i, int level) {
        if (i.acknowledgedAt() == null || routingKey(level) == null) {
            return List.of();
        }
        return List.of(new TeamMessages.Message("acknowledge", "pagerduty", "level-" + level, null, mapper.createObjectNode()
                .put("event_action", "acknowledge").put("dedup_key", i.id()).toString(),
                i.id() + "/pagerduty/acknowledge-after-page/level-" + level));
    }

    /**
     * acknowledge or resolve for every service this incident's levels paged so far (one event per routing
     * key); PagerDuty answers an unknown dedup_key with a 202 that does nothing.
     */
    public List<TeamMessages.Message> pageAll(Incident i, String action) {
        List<TeamMessages.Message> out = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int level = 1; level <= Math.min(Math.max(i.escalationLevel(), 1), config.escalation().levels().size()); level++) {
            String key = routingKey(level);
            if (key != null && keys.add(key)) {
                out.add(new TeamMessages.Message(action, "pagerduty", "level-" + level, null, mapper.createObjectNode()
                        .put("event_action", action).put("dedup_key", i.id()).toString(),
                        i.id() + "/pagerduty/" + action + "/level-" + level));
            }
        }
        return out;
    }

    /**
     * Creates the incident's channel once (the first caller to claim it does), and records it; a
     * failure worth retrying leaves it unclaimed for the watch job's next run.
     */
    public Uni<Void> ensureChannel(Incident i, String source) {
        if (i.channelState() != null || !i.open()) {
            return Uni.createFrom().voidItem();
        }
        if (!config.channel().perIncident() || !slack()) {
            return incidents.transaction(tx -> tx.channel(i.id(), null, null, "off"));
        }
        String name = "incident-" + CHANNEL_FORMAT.format(i.openedAt());
        return incidents.transaction(tx -> tx.claimChannel(i.id())).flatMap(claimed -> {
            if (!claimed) {
                return Uni.createFrom().voidItem();
            }
            return create(name, 1).flatMap(result -> incidents.transaction(tx -> {
                if (result.delivery().sent()) {
                    return tx.channel(i.id(), result.delivery().providerId(), result.name(), "created")
                            .flatMap(v -> tx.addEvent(i.id(), clock.instant(), "channel-created", source,
                                    "Slack channel #" + result.name() + " created",
                                    Map.of("channelId", result.delivery().providerId(), "name", result.name())));
                }
                String state = result.delivery().permanent() ? "failed" : null;
                return tx.channel(i.id(), null, null, state).flatMap(v -> tx.addEvent(i.id(), clock.instant(),
                        "channel-failed", source, "Slack channel #" + name + " not created: " + result.delivery().error()
                                + (state == null ? " (will retry)" : ""),
                        Map.of("error", String.valueOf(result.delivery().error()))));
            }));
        });
    }

    private record Created(String name, MessageChannels.Delivery delivery) {
    }

    // Two incidents declared in the same minute would want the same name: the later one gets -2, -3...
    private Uni<Created> create(String base, int attempt) {
        String name = attempt == 1 ? base : base + "-" + attempt;
        return channels.createSlackChannel(name).flatMap(d -> !d.sent() && "name_taken".equals(d.error()) && attempt < 5
                ? create(base, attempt + 1)
                : Uni.createFrom().item(new Created(name, d)));
    }

    /** How long a change's answer waits for the messages it queued to be sent (the rest are sent all the same). */
    static final java.time.Duration AFTER_COMMIT_WAIT = java.time.Duration.ofSeconds(5);

    /** Right after a change commits: the channel if it is missing, then the outbox. Never fails the change. */
    public Uni<List<Attempt>> afterCommit(String incidentId, String source) {
        Uni<List<Attempt>> delivery = incidents.find(incidentId)
                .flatMap(found -> found.isPresent() ? ensureChannel(found.get(), source) : Uni.createFrom().voidItem())
                .flatMap(v -> deliver())
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("delivery after %s deferred to the watch job: %s", incidentId,
                            LogText.loggable(e.getMessage()));
                    return List.<Attempt>of();
                }).memoize().indefinitely();
        // The delivery runs to its end on its own (a send is never cut between the provider and its record); the
        // change's answer waits for it at most AFTER_COMMIT_WAIT, so a hanging Slack or PagerDuty never holds it.
        delivery.subscribe().with(v -> {
        }, e -> {
        });
        return delivery.ifNoItem().after(AFTER_COMMIT_WAIT).recoverWithItem(List.of());
    }

    /**
     * Sends what is due in the team outbox; the incident ticket's outbox is sent in the background beside it
     * (except on Lambda, where watch-incidents sends it within its run).
     */
    public Uni<List<Attempt>> deliver() {
        ticket.kick();
        return outbox.delivery().deliver(this::send, this::told);
    }

    /** Where a message goes: "@incident" is the incident's channel if it has one now, else the fallback room. */
    private static String recipient(TeamMessages.Queued m, Optional<String> fallback) {
        if (m.channel().equals("slack") && m.recipient().equals(TeamMessages.INCIDENT_CHANNEL)) {
            return m.incidentChannel() != null ? m.incidentChannel() : fallback.orElse(null);
        }
        return m.recipient();
    }

    private Uni<Outbox.Sent> send(TeamMessages.Queued m) {
        String target = recipient(m, config.channel().fallback());
        Uni<MessageChannels.Delivery> send = target == null
                ? Uni.createFrom().item(new MessageChannels.Delivery(false, true, null,
                        "the incident has no channel and SLACK_INCIDENTS_CHANNEL is not set"))
                : m.channel().equals("pagerduty") ? pagerduty(m)
                : m.channel().equals("email")
                        ? channels.email(target, m.subject() == null ? m.incidentId() : m.subject(), m.body(),
                                "firebreak-team-" + m.id())
                        : channels.slack(target, m.body());
        return send.map(d -> new Outbox.Sent(d.sent(), d.permanent(), d.providerId(), d.error(), d.retryAfter()));
    }

    private Uni<MessageChannels.Delivery> pagerduty(TeamMessages.Queued m) {
        int level = Integer.parseInt(m.recipient().substring("level-".length()));
        String key = level <= config.escalation().levels().size() ? routingKey(level) : null;
        return key == null ? Uni.createFrom().item(new MessageChannels.Delivery(false, true, null,
                "skipped: " + (level <= config.escalation().levels().size() ? pagingSkipped(level) : "no level " + level)))
                // An acknowledge or resolve overtaking a trigger still being retried would leave PagerDuty's
                // alert open after the incident: it waits (retryable) until the earlier event is sent or dead.
                : m.kind().equals("page") ? channels.pagerduty(key, m.body())
                        : outbox.earlierPending(m).flatMap(waiting -> waiting
                                ? Uni.createFrom().item(new MessageChannels.Delivery(false, false, null,
                                        "waiting for this incident's earlier PagerDuty event", Duration.ofSeconds(10)))
                                : channels.pagerduty(key, m.body()));
    }

    private Uni<Attempt> told(Outbox.Outcome<TeamMessages.Queued> o) {
        TeamMessages.Queued m = o.message();
        String target = recipient(m, config.channel().fallback());
        String error = o.send().error();
        Uni<Void> event = switch (o.state()) {
            case SENT -> event(m, "message-sent", m.kind() + " sent to " + target + " (" + m.channel() + ")",
                    Map.of("messageId", m.id(), "providerId", String.valueOf(o.send().providerId())));
            case DEAD -> event(m, "message-failed", m.kind() + " to " + (target == null ? "Slack" : target)
                    + " failed for good: " + error, Map.of("messageId", m.id(), "attempts", m.attempts()));
            case RETRYING -> Uni.createFrom().voidItem();
        };
        return event.replaceWith(new Attempt(m.id(), m.channel(), target, o.state().json(),
                o.state() == Outbox.State.SENT ? null : error));
    }

    private Uni<Void> event(TeamMessages.Queued m, String kind, String summary, Map<String, Object> detail) {
        return incidents.transaction(tx -> tx.addEvent(m.incidentId(), clock.instant(), kind, "function:outbox", summary,
                detail));
    }

    public static String duration(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        return minutes >= 60 ? "%dh %02dm".formatted(minutes / 60, minutes % 60) : minutes + " min";
    }

    static String capitalize(String s) {
        return s == null || s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
