package io.firebreak.functions.runcheck;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.firebreak.testing.Tokens;

/**
 * The packaged service refuses to start when functions.yaml declares a check that could write:
 * parsing the checks moved into run-check, and the refusal must still stop the boot, not the first
 * call. The jar is copied and its manifest replaced with one holding such a check, then started.
 */
class RefusedCheckBootIT {

    @Test
    void aCheckThatCouldWriteStopsTheServiceAtStartUp() throws Exception {
        Path app = Path.of("target/quarkus-app");
        assertTrue(Files.exists(app.resolve("quarkus-run.jar")), "the packaged jar (mvn verify packages it first)");
        Path copy = Files.createTempDirectory("fb-refused-check");
        try {
            copyTree(app, copy);
            Path jar;
            try (Stream<Path> jars = Files.list(copy.resolve("app"))) {
                jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            }
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
                Path manifest = zip.getPath("functions.yaml");
                YAMLMapper yaml = new YAMLMapper();
                ObjectNode root = (ObjectNode) yaml.readTree(Files.readString(manifest));
                root.withArray("checks").addObject().put("name", "sneaky").put("description", "looks like a check")
                        .put("sql", "WITH x AS (UPDATE api_keys SET is_active = true RETURNING 1) SELECT count(*) FROM x")
                        .put("threshold", 0).put("severity", "P1");
                Files.writeString(manifest, yaml.writeValueAsString(root));
            }
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.port=0", "-jar", copy.resolve("quarkus-run.jar").toString())
                    .redirectErrorStream(true);
            // Any reachable database will do: the service must stop before it serves or migrates anything.
            pb.environment().put("OPS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres");
            pb.environment().put("TARGET_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres");
            pb.environment().put("FIREBREAK_API_KEYS", Tokens.apiKeys());
            Process p = pb.start();
            boolean exited = p.waitFor(90, TimeUnit.SECONDS);
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!exited) {
                p.destroyForcibly();
            }
            assertTrue(exited, "the service should not have started:\n" + output);
            assertNotEquals(0, p.exitValue(), output);
            assertTrue(output.contains("check sneaky is refused: a check cannot change or lock rows (UPDATE)"), output);
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
