package io.firebreak.providers.vendorstatus;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.BoundedGet;
import io.firebreak.providers.DeclaredUrl;

/**
 * Reads vendor status pages through {@link BoundedGet} (deadline, byte cap, no redirects) and
 * keeps each answer per dependency for the cache TTL (a failed read for the shorter error TTL),
 * so confirm-outage, the dependency watch and check-dependencies cost a vendor one read a minute
 * between them. Concurrent callers share the read in flight (single flight); a caller that stops
 * waiting (confirm-outage's check timeout) does not cancel it, so the next probe finds it cached.
 */
@ApplicationScoped
public class VendorStatus {

    @Inject
    BoundedGet http;

    @Inject
    VendorStatusConfig config;

    @Inject
    Clock clock;

    /** A read, done or in flight, when it started and when it ended (monotonic, for the TTL). */
    private record Slot(CompletableFuture<VendorReport> read, long startNanos, long[] doneNanos) {
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    public VendorStatusConfig config() {
        return config;
    }

    /**
     * The dependency's report: cached when fresh enough; {@code fresh} reads again unless the last
     * read is younger than the fresh floor (a caller looping on fresh cannot hammer a vendor's page). A read in flight is always joined, so a burst of calls
     * reads the vendor once.
     */
    public Uni<VendorReport> report(Dependency d, boolean fresh) {
        if (d.url() == null) {
            return Uni.createFrom().item(VendorReport.skipped(d, String.join(", ", d.missing()) + " is not set"));
        }
        Slot slot = slots.compute(d.name(), (name, old) -> {
            if (old != null && (!old.read().isDone() || usable(old, fresh))) {
                return old;
            }
            long[] done = { 0 };
            long started = System.nanoTime();
            CompletableFuture<VendorReport> read = read(d).invoke(r -> done[0] = System.nanoTime())
                    .subscribeAsCompletionStage();
            return new Slot(read, started, done);
        });
        // A dependent stage per caller: a caller's cancellation (its own timeout) never cancels the shared read.
        return Uni.createFrom().completionStage(() -> slot.read().thenApply(Function.identity()));
    }

    private boolean usable(Slot slot, boolean fresh) {
        VendorReport r = slot.read().getNow(null);
        if (r == null || slot.doneNanos()[0] == 0) {
            return false;
        }
        if (r.error() != null && slot.doneNanos()[0] - slot.startNanos() > 2 * config.timeout().toNanos() + 1_000_000_000L) {
            // A failure that took far longer than the deadline allows was a frozen process (a Lambda
            // between invocations), not the vendor: it is not worth remembering.
            return false;
        }
        Duration ttl = r.error() == null ? config.cacheTtl() : config.errorTtl();
        if (fresh && ttl.compareTo(config.freshFloor()) > 0) {
            ttl = config.freshFloor();
        }
        return System.nanoTime() - slot.doneNanos()[0] < ttl.toNanos();
    }

    /** Every declared dependency, concurrently, each within the read timeout (an empty list answers at once). */
    public Uni<List<VendorReport>> reports(List<Dependency> dependencies, boolean fresh) {
        if (dependencies.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<VendorReport>> all = dependencies.stream().map(d -> report(d, fresh)).toList();
        return Uni.combine().all().unis(all).with(VendorReport.class, list -> list);
    }

    /** One read, never failing: a timeout, a refusal, a redirect or a malformed answer is a report with an error. */
    Uni<VendorReport> read(Dependency d) {
        URI url = d.readUrl();
        Duration timeout = config.timeout();
        Map<String, String> accept = Map.of("Accept", switch (d.kind()) {
            case FEED -> "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8";
            case HEALTH -> "*/*";
            default -> "application/json";
        });
        return http.get(url, accept, timeout, config.maxBytes(), "Location", "Content-Type")
                .map(answer -> judge(d, answer, clock.instant()))
                .onFailure().recoverWithItem(e -> VendorReport.failed(d, "could not read: " + e.getClass().getSimpleName(),
                        clock.instant()));
    }

    /** What an answer means for this dependency's kind (pure apart from the feed's window, which it is given). */
    VendorReport judge(Dependency d, BoundedGet.Answer answer, Instant now) {
        if (answer.status() == 0 || answer.failure() != null) {
            return VendorReport.failed(d, plain(answer.failure()), now);
        }
        if (d.kind() == Dependency.Kind.HEALTH) {
            String where = answer.status() >= 300 && answer.status() < 400 ? redirect(answer) : "";
            VendorPage page = VendorPages.health(answer.status(), d.expectStatus(), now);
            if (!where.isEmpty() && page.vendorIndicator().trouble()) {
                page = new VendorPage(page.vendorIndicator(), page.description() + " (" + where + ")", page.components(),
                        page.incidents(), page.maintenances());
            }
            return VendorReport.of(d, page, now);
        }
        if (answer.status() >= 300 && answer.status() < 400) {
            return VendorReport.failed(d, "HTTP " + answer.status() + " " + redirect(answer)
                    + ": declare the page's final address", now);
        }
        if (!answer.ok()) {
            return VendorReport.failed(d, "HTTP " + answer.status() + " from the vendor's status page", now);
        }
        try {
            VendorPage page = switch (d.kind()) {
                case STATUSPAGE -> VendorPages.statuspage(answer.body());
                case INCIDENT_IO -> VendorPages.incidentIo(answer.body());
                case SLACK -> VendorPages.slack(answer.body());
                case FEED -> VendorFeeds.parse(answer.body(), now, config.feedWindow());
                case HEALTH -> throw new IllegalStateException("handled above");
            };
            return VendorReport.of(d, page, now);
        } catch (VendorPages.Malformed e) {
            return VendorReport.failed(d, e.getMessage(), now);
        }
    }

    private static String redirect(BoundedGet.Answer answer) {
        String location = answer.header("Location");
        if (location == null) {
            return "redirect not followed";
        }
        try {
            URI to = URI.create(location.strip());
            return "redirect to " + (to.getHost() == null ? to.getRawPath() : DeclaredUrl.display(to)) + " not followed";
        } catch (IllegalArgumentException e) {
            return "redirect not followed";
        }
    }

    /** BoundedGet says "no answer: ..." for every failure; the reason alone reads better in a report. */
    static String plain(String failure) {
        if (failure == null) {
            return "no answer";
        }
        String f = failure.startsWith("no answer: ") ? failure.substring("no answer: ".length()) : failure;
        return f.startsWith("no answer") || f.startsWith("answer larger") ? f : "could not read: " + f;
    }

    /** Forgets every cached read (tests, and an operator's fresh start). */
    public void forget() {
        slots.clear();
    }
}
