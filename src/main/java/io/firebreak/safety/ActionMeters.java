package io.firebreak.safety;

import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import io.firebreak.db.CachedOpsRead;
import io.firebreak.db.OpsDb;

/**
 * The safety model in numbers: plans stored (firebreak_plans_total), changes by outcome
 * (firebreak_changes_total: applied, partial, failed, refused) each counted once its record
 * committed, and the approval requests still waiting (firebreak_approvals_pending, cached like the
 * outbox gauges). Tags are function ids, actions and outcome words only: never ids or reasons.
 */
@ApplicationScoped
public class ActionMeters {

    /** Requests whose plan is still live, not denied, with fewer current approvals than the policy asks. */
    static final String PENDING = """
            SELECT count(*) AS pending FROM approval_requests r JOIN plans p ON p.id = r.plan_id
            WHERE p.expires_at > now()
              AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.request_id = r.id AND d.decision = 'denied')
              AND (SELECT count(*) FROM approval_decisions d
                   WHERE d.request_id = r.id AND d.decision = 'approved' AND d.digest = r.digest AND d.expires_at > now())
                  < coalesce((r.policy ->> 'approvals')::int, 1)""";

    @Inject
    MeterRegistry registry;

    @Inject
    OpsDb ops;

    @ConfigProperty(name = "firebreak.metrics.ops-cache", defaultValue = "10s")
    Duration cache;

    private CachedOpsRead<Double> pending;
    private Gauge gauge;

    void start(@Observes StartupEvent started) {
        pending = new CachedOpsRead<>("the pending approvals", cache, Double.NaN, () -> ops.preparedQuery(PENDING).execute()
                .map(rows -> (double) rows.iterator().next().getLong("pending")));
        gauge = Gauge.builder("firebreak.approvals.pending", this, m -> m.pending.current())
                .description("Approval requests waiting for a decision (plan live, not denied, not yet approved enough)")
                .strongReference(true).register(registry);
    }

    /** The registry outlives this application (it is Micrometer's global one): its gauge must not read a stopped one. */
    void stop(@Observes ShutdownEvent stopped) {
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    /** A dry run stored its plan. */
    void planned(String function) {
        Counter.builder("firebreak.plans").description("Plans stored by dry runs").tag("function", function)
                .register(registry).increment();
    }

    /**
     * A change ended and its outcome record committed (or it was refused before its first change).
     * The outcome is its first word ("applied", "partial", "failed", "refused"), never the reason after it.
     */
    void changed(String function, String action, String outcome) {
        Counter.builder("firebreak.changes").description("Audited changes by action and outcome")
                .tags("function", function, "action", action, "outcome", word(outcome)).register(registry).increment();
    }

    static String word(String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return "unknown";
        }
        String w = outcome.strip().split("[^A-Za-z_-]", 2)[0].toLowerCase(Locale.ROOT);
        return w.isEmpty() ? "unknown" : w.length() > 24 ? w.substring(0, 24) : w;
    }
}
