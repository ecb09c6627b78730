package io.firebreak.functions.checkdependencies;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.Declared;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.providers.vendorstatus.Dependency;
import io.firebreak.providers.vendorstatus.VendorReport;
import io.firebreak.providers.vendorstatus.VendorStatus;

/**
 * The declared dependencies (parsed at start-up: a bad entry stops the service) and the answer of
 * check-dependencies: every report, which vendors report trouble, which could not be read.
 */
@ApplicationScoped
public class CheckDependenciesFlow {

    @Inject
    FunctionAdmission admission;

    @Inject
    VendorStatus vendors;

    @Inject
    Clock clock;

    private final Declared<List<Dependency>> declared = new Declared<>(
            () -> Dependency.parseAll(admission.manifest().settings("dependencies")));

    void validate(@Observes StartupEvent start) {
        dependencies();
    }

    public List<Dependency> dependencies() {
        return declared.get();
    }

    /** Why nothing is read, or null when the dependencies are read. */
    String skipped() {
        if (!vendors.config().enabled()) {
            return "vendor status reads are off (FIREBREAK_DEPENDENCIES_ENABLED=false)";
        }
        if (dependencies().isEmpty()) {
            return "no dependencies declared in functions.yaml";
        }
        return null;
    }

    Uni<Map<String, Object>> answer(List<Dependency> which, boolean fresh) {
        Map<String, Object> answer = new LinkedHashMap<>();
        String skipped = skipped();
        if (skipped != null) {
            answer.put("skipped", skipped);
            answer.put("declared", dependencies().stream().map(Dependency::name).toList());
            answer.put("dependencies", List.of());
            return Uni.createFrom().item(answer);
        }
        return vendors.reports(which, fresh).map(reports -> {
            Instant now = clock.instant();
            List<Map<String, Object>> list = new ArrayList<>();
            List<String> trouble = new ArrayList<>();
            List<String> unread = new ArrayList<>();
            for (VendorReport r : reports) {
                list.add(r.toMap(now));
                if (r.trouble()) {
                    trouble.add(r.description());
                } else if (r.error() != null) {
                    unread.add(r.dependency().name() + ": " + r.error());
                }
            }
            answer.put("summary", summary(reports, trouble, unread));
            answer.put("trouble", trouble);
            answer.put("unread", unread);
            answer.put("dependencies", list);
            answer.put("checkedAt", now.toString());
            return answer;
        });
    }

    static String summary(List<VendorReport> reports, List<String> trouble, List<String> unread) {
        long quiet = reports.stream().filter(r -> !r.trouble() && r.error() == null && r.skipped() == null).count();
        StringBuilder s = new StringBuilder();
        if (!trouble.isEmpty()) {
            s.append(String.join("; ", trouble)).append("; ");
        }
        s.append(quiet).append(" of ").append(reports.size()).append(" operational");
        if (!unread.isEmpty()) {
            s.append(", ").append(unread.size()).append(" unread");
        }
        long skipped = reports.stream().filter(r -> r.skipped() != null).count();
        if (skipped > 0) {
            s.append(", ").append(skipped).append(" skipped");
        }
        return s.toString();
    }
}
