package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.firebreak.functions.FunctionManifest;
import io.firebreak.functions.confirmoutage.ScheduledProbe;
import io.firebreak.testing.PostgresDatabases;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** functions.yaml is the single source of truth: the code, the README and the schedules must say the same. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
class FunctionsManifestTest {

    static FunctionManifest manifest() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("functions.yaml"))) {
            return FunctionManifest.parse(in);
        }
    }

    @Test
    void everyFunqyFunctionIsInTheManifestAndBack() throws IOException {
        Set<String> code = FunctionRecorder.registry.invokers().stream().map(i -> i.getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(manifest().all().keySet()), code);
    }

    @Test
    void eachFunctionLivesInItsOwnPackageWhoseJavadocIsTheManifestDescription() throws IOException {
        for (FunctionManifest.Function f : manifest().all().values()) {
            String pkg = f.id().replace("-", "");
            String type = Pattern.compile("(^|-)([a-z])").matcher(f.id()).replaceAll(m -> m.group(2).toUpperCase())
                    + "Function";
            Path source = Path.of("src/main/java/io/firebreak/functions", pkg, type + ".java");
            assertTrue(Files.exists(source), f.id() + " lives in " + source);
            String javadoc = Files.readString(source).replaceAll("\\s*\\n\\s*\\*\\s*", " ");
            assertTrue(javadoc.contains("/** " + f.description() + " */"),
                    type + "'s one-line Javadoc is the manifest description: " + f.description());
        }
    }

    @Test
    void theReadmeTableListsEveryFunctionWithItsRoleAndTriggers() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Pattern row = Pattern.compile("^\\| `([a-z-]+)` \\| (\\w+) \\| ([^|]+) \\| ([^|]+) \\|", Pattern.MULTILINE);
        Matcher m = row.matcher(readme);
        Set<String> listed = new TreeSet<>();
        while (m.find()) {
            FunctionManifest.Function f = manifest().find(m.group(1)).orElseThrow(
                    () -> new AssertionError("README lists " + m.group(1) + ", which functions.yaml does not have"));
            listed.add(f.id());
            assertEquals(f.role().id(), m.group(2), f.id() + " role");
            String triggers = "HTTP " + String.join("/", f.httpMethods())
                    + f.schedule().map(s -> ", schedule `" + s.cron() + "`").orElse("");
            assertEquals(triggers, m.group(3).trim(), f.id() + " triggers");
            assertEquals(f.description(), m.group(4).trim(), f.id() + " description");
        }
        assertEquals(new TreeSet<>(manifest().all().keySet()), listed, "README function table");
    }

    @Test
    void scheduleTriggersMatchTheJobsAndTheirDefaultCron() throws IOException {
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        for (FunctionManifest.Function f : manifest().all().values()) {
            f.schedule().ifPresent(s -> {
                assertEquals(ScheduledProbe.IDENTITY, s.name());
                assertTrue(properties.contains(s.cronProperty() + "=${FIREBREAK_PROBE_CRON:" + s.cron() + "}"),
                        "the default cron of " + s.cronProperty() + " is the manifest's " + s.cron());
            });
        }
    }
}
