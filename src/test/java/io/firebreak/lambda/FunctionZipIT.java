package io.firebreak.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The packaged function.zip. An entry written twice is two different files to an extractor, and
 * which one wins is the extractor's choice: Quarkus 3.32's legacy jar wrote an application class
 * Arc had transformed (SeverityScale, given a no-args constructor for its client proxy) after its
 * original (quarkusio/quarkus#53185), and an extraction keeping the first copy failed at init with
 * NoSuchMethodError.
 */
class FunctionZipIT {

    /** Entry names that occur more than once, with their counts. */
    static Map<String, Long> duplicates(List<String> names) {
        return names.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    @Test
    void noEntryIsWrittenTwice() {
        Map<String, Long> repeated = duplicates(FunctionZip.entryNames(FunctionZip.path()));
        Map<String, Long> files = new TreeMap<>(repeated);
        files.keySet().removeIf(name -> name.endsWith("/"));
        assertEquals(Map.of(), files, "files written twice into function.zip (unzip -l target/lambda/function.zip)");
        // Quarkus' archive writer puts META-INF/ before the manifest and again with the other
        // directories: a directory entry has no content, so either copy makes the same directory.
        Set<String> directories = repeated.keySet().stream().filter(name -> name.endsWith("/")).collect(Collectors.toSet());
        assertTrue(Set.of("META-INF/").containsAll(directories), "directories written twice: " + directories);
    }

    @Test
    void theRuntimeProvidesTheRuntimeInterfaceClientTheZipDoesNot() {
        List<String> names = FunctionZip.entryNames(FunctionZip.path());
        assumeTrue(FunctionZip.jvm(names), "a native zip (-Dnative) has no jars at all");
        assertTrue(names.stream().anyMatch(n -> n.startsWith("lib/") && n.contains("quarkus-amazon-lambda")), names.toString());
        for (String runtimeJar : List.of("aws-lambda-java-runtime-interface-client", "aws-lambda-java-serialization", "utils-lite")) {
            assertTrue(names.stream().noneMatch(n -> n.contains(runtimeJar)), runtimeJar + " is the runtime's, not the zip's");
        }
    }
}
