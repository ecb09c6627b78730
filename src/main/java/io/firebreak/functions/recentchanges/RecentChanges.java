package io.firebreak.functions.recentchanges;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.LogText;
import io.firebreak.providers.ProviderListing;
import io.firebreak.providers.github.GitHubChanges;
import io.firebreak.providers.railway.RailwayDeployments;
import io.firebreak.providers.railway.RailwayServices;

/**
 * "What changed?" over one window, from every source there is: GitHub (commits on the default
 * branch, deployments with their latest state, merged pull requests), the application's migrations
 * on the target, and the deployments of the Railway services functions.yaml declares. Sources are
 * read side by side, each bounded by its own deadline; one that is not configured says
 * {@code skipped} and why, one that failed says {@code error}, and neither hides the others.
 */
@ApplicationScoped
public class RecentChanges {

    @Inject
    GitHubChanges github;

    @Inject
    RailwayDeployments railway;

    @Inject
    AppMigrations migrations;

    @Inject
    FunctionAdmission admission;

    /** Each source's whole read (every page and call) ends within this; what it has not read by then is an error. */
    @ConfigProperty(name = "firebreak.changes.source-deadline", defaultValue = "20s")
    Duration deadline;

    private final Declared<RailwayServices> services = new Declared<>(
            () -> RailwayServices.parse(admission.manifest().settings("railway")));

    void validate(@Observes StartupEvent start) {
        services.get();
    }

    /** The window the answer covers, and why it is that one. */
    public record Window(Instant since, Instant until, String basis) {
    }

    public Uni<Map<String, Object>> gather(Window w) {
        Uni<Map<String, Object>> gh = bounded("github", () -> gitHub(w));
        Uni<Map<String, Object>> db = bounded("migrations", () -> migrations.recent(w.since(), w.until()));
        Uni<Map<String, Object>> rw = bounded("railway", () -> railway(w));
        return Uni.combine().all().unis(gh, db, rw).asTuple().map(t -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            Map<String, Object> window = new LinkedHashMap<>();
            // Whole seconds, as GitHub is asked: since rounded down, until up.
            window.put("since", w.since().truncatedTo(ChronoUnit.SECONDS).toString());
            Instant until = w.until().truncatedTo(ChronoUnit.SECONDS);
            window.put("until", (until.isBefore(w.until()) ? until.plusSeconds(1) : until).toString());
            window.put("minutes", Duration.between(w.since(), w.until()).toMinutes());
            window.put("basis", w.basis());
            answer.put("window", window);
            answer.put("github", t.getItem1());
            answer.put("migrations", t.getItem2());
            answer.put("railway", t.getItem3());
            answer.put("summary", summary(answer));
            return answer;
        });
    }

    /** GitHub's three lists, one after another: a rate limit met on one leaves the rest uncalled (and says so). */
    private Uni<Map<String, Object>> gitHub(Window w) {
        var why = github.skipped();
        if (why.isPresent()) {
            return Uni.createFrom().item(skipped(why.get()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repository", github.repository());
        return github.commits(w.since(), w.until()).flatMap(commits -> {
            out.put("commits", commits.toAnswer());
            return unanswered(commits) ? Uni.createFrom().item(notAsked(commits)) : github.deployments(w.since(), w.until());
        }).flatMap(deployments -> {
            out.put("deployments", deployments.toAnswer());
            return unanswered(deployments) ? Uni.createFrom().item(notAsked(deployments))
                    : github.mergedPulls(w.since(), w.until());
        }).map(pulls -> {
            out.put("pulls", pulls.toAnswer());
            return out;
        });
    }

    /** GitHub gave no answer at all (a hang, a refused connection): the next list would only wait as long again. */
    private static boolean unanswered(ProviderListing listing) {
        return listing.error() != null && listing.error().contains("no answer from GitHub");
    }

    private static ProviderListing notAsked(ProviderListing after) {
        return ProviderListing.failed(List.of(), after.error().startsWith("not asked: ") ? after.error() : "not asked: " + after.error());
    }

    private Uni<Map<String, Object>> railway(Window w) {
        RailwayServices declared = services.get();
        var incomplete = declared.incomplete();
        if (incomplete.isPresent()) {
            return Uni.createFrom().item(skipped(incomplete.get()));
        }
        var why = railway.skipped();
        if (why.isPresent()) {
            return Uni.createFrom().item(skipped(why.get()));
        }
        List<Map<String, Object>> each = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (RailwayServices.Service s : declared.services()) {
            chain = chain.flatMap(v -> railway.deployments(declared, s, w.since(), w.until()).invoke(each::add).replaceWithVoid());
        }
        return chain.map(v -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("services", each);
            return out;
        });
    }

    /** A source within its deadline; its failure an error entry, never the whole answer's. */
    private Uni<Map<String, Object>> bounded(String source, Supplier<Uni<Map<String, Object>>> read) {
        return Uni.createFrom().<Map<String, Object>>deferred(read::get).ifNoItem().after(deadline)
                .recoverWithItem(() -> error(source + " did not answer within " + deadline.toSeconds() + " s"))
                .onFailure().recoverWithItem(e -> error(LogText.firstLine(e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage())));
    }

    private static Map<String, Object> skipped(String why) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("skipped", why);
        return out;
    }

    private static Map<String, Object> error(String why) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", why);
        return out;
    }

    /** What a failure that passes says (a rate limit, a timeout, a 5xx): worth asking again, unlike a refused token. */
    static final List<String> PASSING = List.of("rate limited", "no answer", "not asked", "did not answer", "answered HTTP 5");

    /** Whether a source (or one of its lists or services) failed in a way that passes, so asking again soon may read it. */
    static boolean failedForNow(Map<String, Object> answer) {
        for (String source : List.of("github", "migrations", "railway")) {
            if (answer.get(source) instanceof Map<?, ?> m && passing(m)) {
                return true;
            }
        }
        return false;
    }

    private static boolean passing(Object part) {
        if (part instanceof Map<?, ?> m) {
            Object error = m.get("error");
            if (error != null && PASSING.stream().anyMatch(String.valueOf(error)::contains)) {
                return true;
            }
            return m.values().stream().anyMatch(v -> v instanceof Map<?, ?> || v instanceof List<?> ? passing(v) : false);
        }
        if (part instanceof List<?> list) {
            return list.stream().anyMatch(RecentChanges::passing);
        }
        return false;
    }

    /** One line an engineer reads first: counts per source, and which sources were skipped or failed. */
    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> answer) {
        List<String> parts = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Object> gh = (Map<String, Object>) answer.get("github");
        if (gh.containsKey("skipped") || gh.containsKey("error")) {
            notes.add("GitHub " + state(gh));
        } else {
            parts.add(count(gh.get("commits"), "commit"));
            parts.add(count(gh.get("deployments"), "deployment"));
            parts.add(count(gh.get("pulls"), "merged pull request"));
            for (String list : List.of("commits", "deployments", "pulls")) {
                Object e = ((Map<String, Object>) gh.get(list)).get("error");
                if (e != null) {
                    notes.add("GitHub " + list + ": " + e);
                    break;
                }
            }
        }
        Map<String, Object> db = (Map<String, Object>) answer.get("migrations");
        if (db.containsKey("skipped") || db.containsKey("error")) {
            notes.add("migrations " + state(db));
        } else {
            long n = ((Number) db.get("inWindow")).longValue();
            parts.add(n + (n == 1 ? " migration" : " migrations") + " dated in the window");
        }
        Map<String, Object> rw = (Map<String, Object>) answer.get("railway");
        if (rw.containsKey("skipped") || rw.containsKey("error")) {
            notes.add("Railway " + state(rw));
        } else {
            long n = 0;
            for (Map<String, Object> s : (List<Map<String, Object>>) rw.get("services")) {
                n += ((Number) s.get("count")).longValue();
                if (s.get("error") != null) {
                    notes.add("Railway " + s.get("service") + ": " + s.get("error"));
                }
            }
            parts.add(n + (n == 1 ? " Railway deployment" : " Railway deployments"));
        }
        String counted = parts.isEmpty() ? "no source could be read" : String.join(", ", parts);
        return counted + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
    }

    @SuppressWarnings("unchecked")
    private static String count(Object listing, String noun) {
        Map<String, Object> l = (Map<String, Object>) listing;
        long n = ((Number) l.get("count")).longValue();
        return n + " " + noun + (n == 1 ? "" : "s") + (Boolean.TRUE.equals(l.get("truncated")) ? " (or more)" : "");
    }

    private static String state(Map<String, Object> source) {
        return source.containsKey("skipped") ? "skipped: " + source.get("skipped") : "error: " + source.get("error");
    }
}
