package io.firebreak.functions.verifypayment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.firebreak.domain.AuditTrail;
import io.firebreak.domain.Payments;
import io.firebreak.domain.SweepQueue;
import io.firebreak.functions.ActionConfig;
import io.firebreak.functions.Actor;
import io.firebreak.functions.ScheduledJob;
import io.firebreak.providers.PaymentProviders;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The stuck-payment sweep (every 15 minutes): queues the seed's pending-over-an-hour payments, and
 * any number of workers verify them in leased batches, provider calls concurrent but bounded.
 * A payment moves at most once (the update only touches pending rows, and only the lease holder
 * finishes an item); a crashed worker's items are taken up again when its lease runs out.
 */
@ApplicationScoped
public class StuckPaymentSweep implements ScheduledJob {

    public static final String NAME = "stuck-payment-sweep";

    /** The schedule acts on its own authority: it is the actor of the audit records it writes. */
    static final Actor SCHEDULE = new Actor("schedule", "schedule");

    private static final Logger LOG = Logger.getLogger(StuckPaymentSweep.class);

    @Inject
    Payments payments;

    @Inject
    PaymentProviders providers;

    @Inject
    SweepQueue queue;

    @Inject
    AuditTrail audit;

    @Inject
    ActionConfig actions;

    @ConfigProperty(name = "firebreak.payments.concurrency", defaultValue = "8")
    int concurrency;

    @ConfigProperty(name = "firebreak.payments.batch", defaultValue = "50")
    int batch;

    @ConfigProperty(name = "firebreak.payments.lease", defaultValue = "2m")
    Duration lease;

    /** What one sweep run did. */
    @RegisterForReflection
    public record Result(String worker, int queued, int processed, int settled, int errors,
            Map<String, Integer> findings, List<Long> auditIds) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Scheduled(identity = NAME, cron = "{firebreak.payments.sweep-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(r -> LOG.infof("stuck-payment sweep: %d processed, %d settled, %d errors", r.processed(),
                r.settled(), r.errors())).replaceWithVoid();
    }

    @Override
    public Uni<Result> run() {
        String worker = UUID.randomUUID().toString();
        return payments.stuck(actions.maxRows())
                .flatMap(stuck -> queue.enqueue(NAME, stuck.stream().map(Payments.Payment::reference).toList(),
                        stuck.stream().map(Payments.Payment::provider).toList()))
                .flatMap(queued -> loop(worker, new Result(worker, queued, 0, 0, 0, new TreeMap<>(), new ArrayList<>())));
    }

    private Uni<Result> loop(String worker, Result soFar) {
        return queue.claim(NAME, worker, batch, lease).flatMap(items -> {
            if (items.isEmpty()) {
                return Uni.createFrom().item(soFar);
            }
            return Multi.createFrom().iterable(items)
                    .onItem().transformToUni(item -> process(worker, item)).merge(concurrency)
                    .collect().asList()
                    .flatMap(outcomes -> record(worker, soFar, outcomes))
                    .flatMap(next -> loop(worker, next));
        });
    }

    /** One payment: its row, its provider's verdict, the guarded settlement, and the item finished. */
    private Uni<Outcome> process(String worker, SweepQueue.Item item) {
        return payments.find(item.item()).flatMap(found -> {
            if (found.isEmpty() || !"pending".equals(found.get().status())) {
                return queue.finish(NAME, item.item(), worker, "not_pending", false, null)
                        .map(held -> new Outcome(item.item(), "not_pending", false, null));
            }
            return providers.verify(found.get().provider(), item.item())
                    .map(v -> PaymentDecision.of(found.get(), v))
                    .flatMap(d -> (d.changes() ? payments.settle(d.reference(), d.after()) : Uni.createFrom().item(0))
                            .flatMap(moved -> queue.finish(NAME, item.item(), worker, d.finding(), moved == 1,
                                    d.providerId()).map(held -> new Outcome(item.item(), d.finding(), moved == 1,
                                            moved == 1 ? d.providerId() : null))));
        }).onFailure().recoverWithItem(e -> {
            // The item stays leased: another run takes it up when the lease runs out.
            LOG.warnf("stuck-payment sweep: %s left for a later run (%s)", item.item(), e.toString());
            return new Outcome(item.item(), "error", false, null);
        });
    }

    private record Outcome(String reference, String finding, boolean settled, String providerId) {
    }

    /** One audit record per batch: which payments moved, with the providers' ids. */
    private Uni<Result> record(String worker, Result soFar, List<Outcome> outcomes) {
        Map<String, Integer> findings = new TreeMap<>(soFar.findings());
        List<String> settled = new ArrayList<>();
        List<String> externalIds = new ArrayList<>();
        int errors = 0;
        for (Outcome o : outcomes) {
            findings.merge(o.finding(), 1, Integer::sum);
            if (o.settled()) {
                settled.add(o.reference());
                if (o.providerId() != null) {
                    externalIds.add(o.providerId());
                }
            }
            errors += o.finding().equals("error") ? 1 : 0;
        }
        int batchErrors = errors;
        AuditTrail.Entry entry = new AuditTrail.Entry(SCHEDULE, NAME, "sweep", "scheduled stuck-payment sweep",
                Map.of("worker", worker, "items", outcomes.stream().map(Outcome::reference).toList()),
                Map.of("settled", settled), settled.size(), externalIds, batchErrors == 0 ? "applied" : "partial", null);
        return audit.record(entry).map(auditId -> {
            List<Long> audits = new ArrayList<>(soFar.auditIds());
            audits.add(auditId);
            return new Result(worker, soFar.queued(), soFar.processed() + outcomes.size(),
                    soFar.settled() + settled.size(), soFar.errors() + batchErrors, findings, audits);
        });
    }
}
