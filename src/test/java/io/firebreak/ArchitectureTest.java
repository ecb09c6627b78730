package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.FunctionManifest;

/**
 * The source tree keeps the shape the README describes: functions/ holds exactly the manifest's
 * functions, shared code lives in five kernels, and the dependency rules between them hold (an
 * import scan, so a new edge fails here before it becomes a cycle).
 */
class ArchitectureTest {

    static final Path MAIN = Path.of("src/main/java/io/firebreak");

    static final List<String> KERNELS = List.of("platform", "db", "safety", "incident", "providers");
    static final List<String> BINDINGS = List.of("http", "lambda");

    /** What each top-level package may import, besides itself. */
    static final Map<String, Set<String>> MAY_IMPORT = Map.of(
            "platform", Set.of(),
            "db", Set.of(),
            "providers", Set.of(),
            "safety", Set.of("platform", "db"),
            "incident", Set.of("platform", "db", "safety", "providers"),
            "http", Set.of("platform"),
            "lambda", Set.of("platform"));

    /**
     * The few classes one low package names from another, each for a reason: the one error shape
     * every layer answers in; the HTTP binding's readiness, which is the ops database answering
     * (the Lambda build has no health endpoint); and the webhook signatures admission checks before
     * a provider call runs.
     */
    static final Set<String> NAMED_EXCEPTIONS = Set.of(
            "db -> platform.FunctionError",
            "providers -> platform.FunctionError",
            "http -> db.OpsDb",
            "platform -> providers.ProviderSignatures");

    /** A function reuses another's behaviour only along these edges. */
    static final Set<String> FUNCTION_EDGES = Set.of(
            "monitoralert -> confirmoutage",
            "paymentwebhook -> verifypayment",
            "resolveincident -> toperrors",
            "containbreach -> clearretryqueue",
            "rotatesecret -> containbreach");

    static final Pattern PACKAGE = Pattern.compile("^package io\\.firebreak\\.([\\w.]+);", Pattern.MULTILINE);
    /** Imports and fully qualified names alike: both are a dependency. */
    static final Pattern REFERENCE = Pattern.compile("io\\.firebreak\\.((?:[a-z]\\w*\\.)*[a-z]\\w*)\\.([A-Z]\\w*)");

    record Edge(String from, String to, String type, Path file) {
    }

    static List<Edge> edges() throws IOException {
        List<Edge> edges = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                assertTrue(pkg.find(), file + " has a package");
                Matcher ref = REFERENCE.matcher(source);
                while (ref.find()) {
                    if (!ref.group(1).equals(pkg.group(1))) {
                        edges.add(new Edge(pkg.group(1), ref.group(1), ref.group(2), file));
                    }
                }
            }
        }
        return edges;
    }

    static String top(String pkg) {
        return pkg.split("\\.")[0];
    }

    @Test
    void theSourceTreeIsTheKernelsTheBindingsAndTheFunctions() throws IOException {
        Set<String> expected = new TreeSet<>(KERNELS);
        expected.addAll(BINDINGS);
        expected.add("functions");
        try (Stream<Path> dirs = Files.list(MAIN)) {
            assertEquals(expected, dirs.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    @Test
    void functionsHoldsExactlyTheManifestEntriesAndNothingLoose() throws IOException {
        Set<String> packages;
        List<String> loose;
        try (Stream<Path> entries = Files.list(MAIN.resolve("functions"))) {
            List<Path> all = entries.toList();
            packages = all.stream().filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            loose = all.stream().filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
        assertEquals(List.of(), loose, "functions/ holds function packages only");
        try (InputStream in = Files.newInputStream(Path.of("functions.yaml"))) {
            Set<String> manifest = FunctionManifest.parse(in).all().keySet().stream().map(id -> id.replace("-", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(manifest, packages, "functions/<id>/ is exactly the manifest");
        }
    }

    @Test
    void kernelsAndBindingsImportOnlyWhatTheRulesAllow() throws IOException {
        Map<String, Set<String>> violations = new TreeMap<>();
        for (Edge e : edges()) {
            String from = top(e.from());
            String to = top(e.to());
            if (from.equals("functions") || from.equals(to)) {
                continue;
            }
            boolean allowed = MAY_IMPORT.get(from).contains(to)
                    || NAMED_EXCEPTIONS.contains(from + " -> " + e.to() + "." + e.type());
            if (!allowed) {
                violations.computeIfAbsent(from + " -> " + e.to() + "." + e.type(), k -> new TreeSet<>())
                        .add(e.file().getFileName().toString());
            }
        }
        assertEquals(Map.of(), violations, "kernel and binding dependencies outside the rules");
    }

    @Test
    void noKernelOrBindingImportsAFunction() throws IOException {
        Set<String> found = edges().stream().filter(e -> !top(e.from()).equals("functions") && top(e.to()).equals("functions"))
                .map(e -> e.from() + " -> " + e.to() + "." + e.type() + " (" + e.file().getFileName() + ")")
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), found);
    }

    @Test
    void functionsReuseEachOtherOnlyAlongTheListedEdges() throws IOException {
        Set<String> used = new TreeSet<>();
        Set<String> unlisted = new TreeSet<>();
        for (Edge e : edges()) {
            if (!e.from().startsWith("functions.") || !e.to().startsWith("functions.")) {
                continue;
            }
            String edge = e.from().substring("functions.".length()) + " -> " + e.to().substring("functions.".length());
            used.add(edge);
            if (!FUNCTION_EDGES.contains(edge)) {
                unlisted.add(edge + " (" + e.file().getFileName() + " uses " + e.type() + ")");
            }
        }
        assertEquals(Set.of(), unlisted, "function-to-function edges not in the list");
        assertEquals(FUNCTION_EDGES, used, "a listed edge no longer used should leave the list");
    }

    @Test
    void namedExceptionsAreStillNeeded() throws IOException {
        Set<String> used = edges().stream().map(e -> top(e.from()) + " -> " + e.to() + "." + e.type())
                .filter(NAMED_EXCEPTIONS::contains).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(NAMED_EXCEPTIONS, used);
    }

    /** Changes to the target whose undo is not a function's own, each for a reason the docs give. */
    static final Map<String, String> UNDONE_ELSEWHERE = Map.of(
            "undo", "undoes others' applies",
            "payment-webhook", "a settlement the provider confirmed: undo answers 409 not_undoable",
            "contain-breach", "rotated keys and ended sessions are not restored: undo answers 409 not_undoable");

    /** Funqy looks its class up on every call: a @Dependent one would be built and injected each time. */
    @Test
    void everyFunqyClassIsOneInstance() throws IOException {
        Set<String> dependent = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(p);
                if (text.contains("@Funq") && !text.matches("(?s).*@(Singleton|ApplicationScoped)\\s+public class.*")) {
                    dependent.add(MAIN.relativize(p).toString());
                }
            }
        }
        assertTrue(dependent.isEmpty(), "annotate with @Singleton: " + dependent);
    }

    @Test
    void everyFunctionThatChangesTheTargetSaysWhetherItCanBeUndone() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("functions.yaml"))) {
            for (FunctionManifest.Function f : FunctionManifest.parse(in).all().values()) {
                if (!f.changes().contains("target") || UNDONE_ELSEWHERE.containsKey(f.id())) {
                    continue;
                }
                String pkg;
                try (Stream<Path> files = Files.list(MAIN.resolve("functions").resolve(f.id().replace("-", "")))) {
                    pkg = files.map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).collect(Collectors.joining("\n"));
                }
                assertTrue(pkg.matches("(?s).*implements\\s+(Undoable|Undoable\\.Irreversible)\\b.*"),
                        f.id() + " changes the target: implement Undoable, or Undoable.Irreversible saying why not");
            }
        }
    }
}
