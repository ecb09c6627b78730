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

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Actor;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.LogText;
import io.firebreak.platform.ScheduledJob;
import io.firebreak.providers.PaymentProviders;
import io.firebreak.safety.ActionConfig;
import io.firebreak.safety.PlannedActions;

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

    private static final Logger LOG = Logger.getLogger(StuckPaymentSweep.class);

    @Inject
    Payments payments;

    @Inject
    PaymentProviders providers;

    @Inject
    SweepQueue queue;

    @Inject
    PlannedActions actions;

    @Inject
    VerifyPaymentFlow flow;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    @Inject
    ActionConfig limits;

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
        return payments.stuck(limits.maxRows())
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
                    .onItem().transformToUni(item -> decide(item)).merge(concurrency)
                    .collect().asList()
                    .flatMap(decided -> settle(worker, decided))
                    .flatMap(batchResult -> finish(worker, soFar, batchResult))
                    .flatMap(next -> loop(worker, next));
        });
    }

    /** One payment's verdict, before anything changes: its row and its provider's answer. */
    private Uni<Outcome> decide(SweepQueue.Item item) {
        return payments.find(item.item()).flatMap(found -> {
            if (found.isEmpty() || !"pending".equals(found.get().status())) {
                return Uni.createFrom().item(new Outcome(item.item(), "not_pending", null));
            }
            return providers.verify(found.get().provider(), item.item()).map(v -> PaymentDecision.of(found.get(), v))
                    .map(d -> new Outcome(item.item(), d.finding(), d));
        }).onFailure().recoverWithItem(e -> {
            // The item stays leased: another run takes it up when the lease runs out.
            LOG.warnf("stuck-payment sweep: %s left for a later run (%s)", LogText.loggable(item.item()), LogText.firstLine(e.getMessage()));
            return new Outcome(item.item(), "error", null);
        });
    }

    /** A payment's finding, and the decision when its provider was asked. */
    private record Outcome(String reference, String finding, PaymentDecision decision) {
    }

    /** What one batch changed: the outcomes, the references that moved, and the batch's audit record. */
    private record Batch(List<Outcome> outcomes, java.util.Set<String> settled, List<String> externalIds, Long auditId,
            boolean failed) {
    }

    /**
     * The batch's moves as one audited change (its "started" record commits first); a failure keeps
     * what committed in the record and leaves the other payments leased for a later run.
     */
    private Uni<Batch> settle(String worker, List<Outcome> outcomes) {
        List<JsonNode> moves = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.decision() != null && o.decision().changes()) {
                moves.add(mapper.valueToTree(o.decision()));
            }
        }
        if (moves.isEmpty()) {
            return Uni.createFrom().item(new Batch(outcomes, java.util.Set.of(), List.of(), null, false));
        }
        var plan = mapper.createObjectNode();
        plan.set("moves", mapper.valueToTree(moves));
        java.util.concurrent.atomic.AtomicReference<io.firebreak.safety.Applying> ledger = new java.util.concurrent.atomic.AtomicReference<>();
        PlannedActions.Change change = new PlannedActions.Change(Actor.SCHEDULE, NAME, "sweep", "scheduled stuck-payment sweep",
                Map.of("worker", worker, "items", outcomes.stream().map(Outcome::reference).toList()), plan, null, List.of());
        return actions.audited(change, apply -> {
            ledger.set(apply);
            return flow.settleAll(apply, moves).map(n -> new PlannedActions.Done<>(n, n, "applied"));
        }).map(done -> new Batch(outcomes, settledOf(ledger.get()), ledger.get().externalIds(), done.auditId(), false))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("stuck-payment sweep: a batch stopped part-way (%s)", LogText.firstLine(e.getMessage()));
                    io.firebreak.safety.Applying a = ledger.get();
                    Long auditId = e instanceof FunctionError f && f.details().get("auditId") instanceof Number n
                            ? n.longValue() : null;
                    return new Batch(outcomes, a == null ? java.util.Set.of() : settledOf(a),
                            a == null ? List.of() : a.externalIds(), auditId, true);
                });
    }

    private static java.util.Set<String> settledOf(io.firebreak.safety.Applying apply) {
        List<String> keys = io.firebreak.safety.Applying.changedKeys(apply.result(), Payments.KIND);
        return new java.util.HashSet<>(keys == null ? List.of() : keys);
    }

    /** Finishes the batch's items (a failed batch's unsettled moves stay leased) and adds it to the run's result. */
    private Uni<Result> finish(String worker, Result soFar, Batch b) {
        Map<String, Integer> findings = new TreeMap<>(soFar.findings());
        int errors = 0;
        Uni<Void> finished = Uni.createFrom().voidItem();
        for (Outcome o : b.outcomes()) {
            boolean moved = b.settled().contains(o.reference());
            boolean unsettledMove = o.decision() != null && o.decision().changes() && !moved;
            String finding = o.finding().equals("error") || (b.failed() && unsettledMove) ? "error" : o.finding();
            findings.merge(finding, 1, Integer::sum);
            if (finding.equals("error")) {
                errors++;
                continue;
            }
            String providerId = o.decision() == null ? null : o.decision().providerId();
            finished = finished.flatMap(v -> queue.finish(NAME, o.reference(), worker, finding, moved, providerId)
                    .replaceWithVoid());
        }
        int batchErrors = errors;
        return finished.map(v -> {
            List<Long> audits = new ArrayList<>(soFar.auditIds());
            if (b.auditId() != null) {
                audits.add(b.auditId());
            }
            return new Result(worker, soFar.queued(), soFar.processed() + b.outcomes().size(),
                    soFar.settled() + b.settled().size(), soFar.errors() + batchErrors, findings, audits);
        });
    }
}
