package io.firebreak.functions.watchincidents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.EventWebhooks;
import io.firebreak.incident.Incident;
import io.firebreak.incident.IncidentActions;
import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.IncidentMessages;
import io.firebreak.incident.IncidentStore;
import io.firebreak.incident.IncidentTicket;
import io.firebreak.incident.SeverityScale;
import io.firebreak.incident.TeamMessages;
import io.firebreak.platform.Actor;
import io.firebreak.platform.ScheduledJob;
import io.firebreak.safety.AuditTrail;

/**
 * The schedule that keeps the lifecycle moving when people do not: escalates open incidents by
 * the rules, reminds the commander when an update is due and when it is overdue, reminds about
 * post-mortems not written 48 h after resolution, opens missing incident channels and delivers the
 * team outbox. Each incident is handled in its own transaction under its row lock, so two watchers
 * never escalate or remind twice. In the HTTP service an incident a monitor or the schedule declared
 * is visited right after its declaration commits, so level 1 is paged in milliseconds, not at the next run.
 */
@ApplicationScoped
public class IncidentWatch implements ScheduledJob, io.firebreak.incident.DeclarationFollowUp {

    public static final String NAME = "incident-watch";
    static final String SOURCE = "schedule:" + NAME;
    private static final Logger LOG = Logger.getLogger(IncidentWatch.class);

    @Inject
    IncidentStore incidents;

    @Inject
    IncidentMessages messages;

    @Inject
    IncidentTicket ticket;

    /** Ticket rounds per run: each is at most one GitHub call per incident, within the provider timeout. */
    static final int TICKET_ROUNDS = 4;
    /** The ticket rounds' share of a watch run (its Lambda has 60 s; pages went out before them). */
    static final java.time.Duration TICKET_BUDGET = java.time.Duration.ofSeconds(20);
    /**
     * No ticket write starts later than this into the run: one in flight then ends within the provider
     * timeout, inside the budget, so none outlives the invocation (a Lambda is frozen once it answers).
     */
    static final java.time.Duration TICKET_WRITES = java.time.Duration.ofSeconds(12);

    @Inject
    TeamMessages outbox;

    /** Retries of the signed event webhooks ride on the same schedule as the team outbox. */
    @Inject
    EventWebhooks webhooks;

    @Inject
    AuditTrail audit;

    @Inject
    IncidentConfig config;

    @Inject
    SeverityScale scale;

    @Inject
    Clock clock;


    /** One thing the watch did (or, in a dry run, would do) to one incident. */
    @RegisterForReflection
    public record Finding(String incidentId, String kind, String summary) {
    }

    /** What one run did. */
    @RegisterForReflection
    public record Report(boolean dryRun, int incidents, List<Finding> findings, List<IncidentMessages.Attempt> delivery,
            List<EventWebhooks.Attempt> webhooks, List<IncidentTicket.Attempt> tickets) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.incidents.watch-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(r -> {
            if (!r.findings().isEmpty()) {
                LOG.infof("incident watch: %d findings over %d incidents", r.findings().size(), r.incidents());
            }
        }).replaceWithVoid();
    }

    @Override
    public Uni<Report> run() {
        return run(false);
    }

    /** A declaration committed: its level-1 page (if its declarer did not page) is queued and sent now. */
    @Override
    public void declared(String incidentId) {
        if (config.escalation().pageAtDeclaration() != IncidentConfig.AfterDeclaration.BACKGROUND) {
            return;
        }
        pageNow(incidentId).subscribe().with(found -> LOG.debugf("incident watch at declaration: %s %s", incidentId, found),
                e -> LOG.warnf("incident watch: %s not visited at declaration, the next run will (%s)", incidentId, e.toString()));
    }

    /** One incident visited as a run would (escalation due now: level 1 for a new one), then the team outbox sent. */
    Uni<List<Finding>> pageNow(String incidentId) {
        return visit(incidentId, clock.instant(), false)
                .flatMap(found -> found.isEmpty() ? Uni.createFrom().item(found) : messages.deliver().replaceWith(found));
    }

    public Uni<Report> run(boolean dry) {
        Instant now = clock.instant();
        return incidents.watched(now.minus(config.postmortem().due()), 500).flatMap(ids -> {
            Uni<List<Finding>> all = Uni.createFrom().item(new ArrayList<>());
            for (String id : ids) {
                all = all.flatMap(list -> visit(id, now, dry).map(found -> {
                    list.addAll(found);
                    return list;
                }));
            }
            // Pages first (Slack, email, PagerDuty: people), then the ticket outbox (a few rounds, bounded: on Lambda
            // the background delivery is frozen with its caller), then the event webhooks.
            return all.flatMap(findings -> dry ? Uni.createFrom().item(new Report(true, ids.size(), findings, List.of(),
                    List.of(), List.of()))
                    : messages.deliver().flatMap(d -> ticket.deliverAll(TICKET_ROUNDS, clock.instant().plus(TICKET_WRITES))
                            .ifNoItem().after(TICKET_BUDGET).recoverWithItem(List.of())
                            .onFailure().recoverWithItem(e -> List.of())
                            .flatMap(t -> webhooks.deliver().map(w -> new Report(false, ids.size(), findings, d, w, t)))));
        });
    }

    private Uni<List<Finding>> visit(String id, Instant now, boolean dry) {
        if (dry) {
            return incidents.find(id).map(found -> found.map(i -> findings(i, decide(i, now))).orElse(List.of()));
        }
        // The incident read under the lock also decides the channel: no second read of the record.
        return incidents.transaction(tx -> tx.lock(id).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Map.entry(Optional.<Incident>empty(), List.<Finding>of()));
            }
            Incident i = found.get();
            IncidentActions.Change c = decide(i, now);
            if (c.effects().isEmpty()) {
                return Uni.createFrom().item(Map.entry(found, List.<Finding>of()));
            }
            AuditTrail.Entry entry = new AuditTrail.Entry(Actor.SCHEDULE, "watch-incidents", "apply", "schedule " + NAME,
                    Map.of("incidentId", i.id()), Map.of("effects", c.effects()), 1, List.of(), "recorded", null);
            return audit.record(tx.connection(), entry).flatMap(auditId -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (IncidentActions.Write w : c.writes()) {
                    chain = chain.flatMap(v -> w.apply(tx, auditId).replaceWithVoid());
                }
                for (IncidentActions.Event e : c.events()) {
                    Map<String, Object> detail = new LinkedHashMap<>(e.detail());
                    detail.put("auditId", auditId);
                    chain = chain.flatMap(v -> tx.addEvent(i.id(), now, e.kind(), SOURCE, e.summary(), detail));
                }
                return chain.flatMap(v -> outbox.queue(tx.connection(), i.id(), c.messages()))
                        .replaceWith(Map.entry(found, findings(i, c)));
            });
        })).flatMap(visited -> visited.getKey().map(i -> messages.ensureChannel(i, SOURCE))
                .orElse(Uni.createFrom().voidItem()).replaceWith(visited.getValue()))
                .onFailure().recoverWithItem(e -> {
                    // One incident's trouble must not stop the others from escalating.
                    LOG.warnf("incident watch: %s skipped this run (%s)", id, e.toString());
                    return List.of(new Finding(id, "error", "skipped this run: " + e.getMessage()));
                });
    }

    private static List<Finding> findings(Incident i, IncidentActions.Change c) {
        List<Finding> out = new ArrayList<>();
        for (IncidentActions.Event e : c.events()) {
            out.add(new Finding(i.id(), e.kind(), e.summary()));
        }
        return out;
    }

    /** Everything due for one incident now: escalation, cadence reminder, post-mortem reminder. */
    IncidentActions.Change decide(Incident i, Instant now) {
        IncidentActions.Change c = IncidentActions.Change.of();
        Map<String, String> f = messages.fields(i, now);
        List<IncidentConfig.Level> levels = config.escalation().levels();
        EscalationRules.escalation(i, now, levels, config.escalation().timeBasedLevels(), scale.level(i.rank()))
                .ifPresent(d -> {
                    IncidentConfig.Level level = levels.get(d.level() - 1);
                    Map<String, String> ef = new LinkedHashMap<>(f);
                    ef.put("level", String.valueOf(d.level()));
                    ef.put("levelName", level.name());
                    ef.put("reason", d.reason());
                    c.effect("escalate to level " + d.level() + " (" + level.name() + ")",
                            (tx, a) -> tx.escalate(i.id(), i.escalationLevel(), d.level(), now))
                            .event("escalated", "Escalated to level " + d.level() + " (" + level.name() + "): " + d.reason(),
                                    Map.of("level", d.level(), "from", i.escalationLevel(), "reason", d.reason()))
                            .messages(messages.toLevel(d.level(), "escalation", "[" + i.severity() + "] " + i.title()
                                    + " escalated to " + level.name(), IncidentMessages.render(config.templates().escalation(),
                                            ef), i.id() + "/escalation/" + d.level()))
                            .messages(messages.page(i, i.rank(), d.level()))
                            .messages(messages.acknowledgeAfterPage(i, d.level()));
                });
        Instant due = i.nextUpdateDue();
        switch (EscalationRules.cadence(i, now, config.updateReminderLead())) {
            case DUE_SOON -> {
                Map<String, String> rf = new LinkedHashMap<>(f);
                rf.put("due", IncidentMessages.TIME.format(due));
                c.effect("remind: update due at " + due, (tx, a) -> tx.remindDue(i.id(), due))
                        .event("update-due", "Status update due at " + IncidentMessages.TIME.format(due) + " ("
                                + (i.commander() == null ? "no commander" : i.commander()) + ")", Map.of("due", due.toString()))
                        .messages(messages.toIncidentChannel("update-due",
                                IncidentMessages.render(config.templates().updateDue(), rf),
                                i.id() + "/update-due/" + due.toEpochMilli()));
            }
            case OVERDUE -> {
                Map<String, String> rf = new LinkedHashMap<>(f);
                rf.put("due", IncidentMessages.TIME.format(due));
                c.effect("remind: update overdue since " + due, (tx, a) -> tx.remindOverdue(i.id(), due))
                        .event("update-overdue", "Status update overdue since " + IncidentMessages.TIME.format(due) + " ("
                                + IncidentMessages.duration(Duration.between(due, now)) + " late)",
                                Map.of("due", due.toString()))
                        .messages(messages.toIncidentChannel("update-overdue",
                                IncidentMessages.render(config.templates().updateOverdue(), rf),
                                i.id() + "/update-overdue/" + due.toEpochMilli()));
            }
            default -> {
            }
        }
        Incident.Postmortem pm = i.postmortem();
        if (!i.open() && pm.writtenAt() == null && pm.remindedAt() == null && pm.dueAt() != null && !now.isBefore(pm.dueAt())) {
            Map<String, String> pf = new LinkedHashMap<>(f);
            pf.put("due", IncidentMessages.STAMP.format(pm.dueAt()));
            c.effect("remind: post-mortem not written", (tx, a) -> tx.postmortemReminded(i.id(), now))
                    .event("postmortem-reminder", "Post-mortem not written " + config.postmortem().due().toHours()
                            + " h after resolution", Map.of("dueAt", pm.dueAt().toString()))
                    .messages(messages.toIncidentChannel("postmortem-reminder",
                            IncidentMessages.render(config.templates().postmortemReminder(), pf), i.id() + "/postmortem-reminder"));
        }
        return c;
    }
}
