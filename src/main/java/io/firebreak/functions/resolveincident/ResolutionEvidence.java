package io.firebreak.functions.resolveincident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import io.firebreak.incident.IncidentConfig;
import io.firebreak.incident.IncidentStore;

/**
 * Seed 001's "when to declare resolved", judged on the record: confirm-outage healthy throughout
 * the window (every confirmation healthy, none missing for longer than the allowed gap) and the
 * error rate below the bound. A criterion that cannot be measured is unmet, never assumed.
 */
@ApplicationScoped
public class ResolutionEvidence {

    @Inject
    IncidentStore incidents;

    @Inject
    io.firebreak.functions.toperrors.ErrorLog errors;

    @Inject
    IncidentConfig config;

    @Inject
    Clock clock;

    /** One criterion's verdict and what it was judged on. */
    @RegisterForReflection
    public record Criterion(String name, boolean met, String detail, Map<String, Object> measured) {
    }

    public Uni<List<Criterion>> judge() {
        Instant now = clock.instant();
        Uni<List<Criterion>> all = Uni.createFrom().item(new ArrayList<>());
        for (String name : config.resolution().criteria()) {
            Uni<Criterion> one = switch (name.strip()) {
                case "healthy-probes" -> probes(now);
                case "error-rate" -> errorRate();
                default -> Uni.createFrom().item(new Criterion(name, false, "unknown criterion " + name
                        + " (firebreak.incidents.resolution.criteria: healthy-probes, error-rate)", Map.of()));
            };
            all = all.flatMap(list -> one.map(c -> {
                list.add(c);
                return list;
            }));
        }
        return all;
    }

    Uni<Criterion> probes(Instant now) {
        Duration window = config.resolution().window();
        Duration gap = config.resolution().maxProbeGap();
        Instant from = now.minus(window);
        return incidents.confirmations(from, now).map(probes -> {
            long unhealthy = probes.stream().filter(p -> !p.verdict().equals("healthy")).count();
            Duration longest = Duration.ZERO;
            Instant previous = from;
            for (IncidentStore.Probe p : probes) {
                longest = max(longest, Duration.between(previous, p.at()));
                previous = p.at();
            }
            longest = max(longest, Duration.between(previous, now));
            Map<String, Object> measured = Map.of("confirmations", probes.size(), "unhealthy", unhealthy,
                    "longestGapSeconds", longest.toSeconds(), "windowMinutes", window.toMinutes());
            String name = "healthy-probes";
            if (probes.isEmpty()) {
                return new Criterion(name, false, "no confirm-outage result in the last " + window.toMinutes()
                        + " min: nothing shows it is healthy", measured);
            }
            if (unhealthy > 0) {
                return new Criterion(name, false, unhealthy + " of " + probes.size()
                        + " confirm-outage results in the last " + window.toMinutes() + " min were not healthy", measured);
            }
            if (longest.compareTo(gap) > 0) {
                return new Criterion(name, false, "confirm-outage was silent for " + longest.toMinutes()
                        + " min in the last " + window.toMinutes() + " min (at most " + gap.toMinutes() + " allowed)",
                        measured);
            }
            return new Criterion(name, true, probes.size() + " confirm-outage results, all healthy, throughout the last "
                    + window.toMinutes() + " min", measured);
        });
    }

    Uni<Criterion> errorRate() {
        int minutes = (int) config.resolution().window().toMinutes();
        double bound = config.resolution().maxErrorRate();
        return errors.rate(minutes).map(r -> {
            Map<String, Object> measured = Map.of("errors", r.errors(), "requests", r.requests(),
                    "windowMinutes", minutes, "maxRate", bound);
            if (r.requestsFrom() == null) {
                return new Criterion("error-rate", r.errors() == 0, r.errors() + " errors in the last " + minutes
                        + " min and no request log to rate them against (firebreak.errors.requests-table)", measured);
            }
            if (r.rate() == null) {
                return new Criterion("error-rate", true, "no errors and no requests in the last " + minutes + " min",
                        measured);
            }
            String pct = "%.2f %%".formatted(r.rate() * 100);
            boolean met = r.rate() < bound;
            return new Criterion("error-rate", met, "error rate " + pct + " over the last " + minutes + " min ("
                    + r.errors() + " errors / " + r.requests() + " requests; must be below "
                    + "%.2f %%".formatted(bound * 100) + ")", measured);
        }).onFailure().recoverWithItem(e -> new Criterion("error-rate", false,
                "the error rate could not be measured on the target: " + e.getMessage(), Map.of()));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
