package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * No token or secret the suite used reaches the log: after every @QuarkusTest of the run (a plain
 * test class: Quarkus' class orderer runs those after the Quarkus ones), the JSON test log
 * (target/quarkus-test.log and its rotations) is searched for each API token the tests call with,
 * each provider key, token, webhook secret and hash the fakes configure, and the test profile's secrets.
 */
class LogSecretsTest {

    static final Path TARGET = Path.of("target");
    static final Path TESTING = Path.of("target/test-classes/io/firebreak/testing");
    /** The constants that are credentials, by name: the fakes' tokens, keys, secrets and hashes. */
    static final Pattern SECRET_NAME = Pattern.compile(".*(TOKEN|SECRET|KEY|HASH|PASSWORD).*");

    /** Every credential the suite configures or sends, by where it comes from. */
    static Map<String, String> secrets() throws Exception {
        Map<String, String> secrets = new TreeMap<>();
        List<Path> classes;
        try (Stream<Path> files = Files.list(TESTING)) {
            classes = files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$")).toList();
        }
        for (Path file : classes) {
            String name = "io.firebreak.testing." + file.getFileName().toString().replace(".class", "");
            Class<?> type = Class.forName(name, false, LogSecretsTest.class.getClassLoader());
            boolean tokens = type.getSimpleName().equals("Tokens");
            for (Field f : type.getDeclaredFields()) {
                if (f.getType() == String.class && Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())
                        && (tokens || SECRET_NAME.matcher(f.getName()).matches())) {
                    f.setAccessible(true);
                    String value = (String) f.get(null);
                    if (value != null && value.length() >= 8) {
                        secrets.put(type.getSimpleName() + "." + f.getName(), value);
                    }
                }
            }
        }
        Properties config = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            config.load(in);
        }
        config.stringPropertyNames().stream().filter(k -> k.startsWith("%test.") && k.matches(".*(secret|token|key).*"))
                .forEach(k -> secrets.put(k, config.getProperty(k)));
        return secrets;
    }

    static List<Path> logs() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> p.getFileName().toString().startsWith("quarkus-test.log")).sorted().toList();
        }
    }

    @Test
    void noTokenOrSecretTheSuiteUsedIsInItsLog() throws Exception {
        Map<String, String> secrets = secrets();
        assertTrue(secrets.containsKey("Tokens.ADMIN") && secrets.containsKey("FakeProviders.PAYSTACK_KEY")
                && secrets.containsKey("EventReceiver.SECRET") && secrets.containsKey("%test.firebreak.status.secret"),
                "the credentials were collected: " + secrets.keySet());
        List<Path> logs = logs();
        if (logs.isEmpty()) {
            return; // no @QuarkusTest ran in this run (a single unit test chosen with -Dtest)
        }
        Map<String, String> found = new TreeMap<>();
        for (Path log : logs) {
            try (Stream<String> lines = Files.lines(log)) {
                lines.forEach(line -> secrets.forEach((name, value) -> {
                    if (line.contains(value)) {
                        found.putIfAbsent(name, log.getFileName() + ": " + line.substring(0, Math.min(line.length(), 300)));
                    }
                }));
            }
        }
        assertEquals(Map.of(), found, "credentials in the test log");
    }

    @Test
    void theLogIsJsonAndItsCallLinesNameTheirFunction() throws Exception {
        List<Path> logs = logs();
        if (logs.isEmpty()) {
            return;
        }
        ObjectMapper mapper = new ObjectMapper();
        List<String> notJson = new ArrayList<>();
        long withFunction = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log)) {
                if (line.isBlank()) {
                    continue;
                }
                if (!line.startsWith("{")) {
                    notJson.add(line);
                    continue;
                }
                JsonNode json = mapper.readTree(line);
                if (json.path("mdc").hasNonNull("functionId")) {
                    withFunction++;
                }
            }
        }
        // A record's stack trace stays inside its JSON line: every line is one JSON object.
        assertEquals(List.of(), notJson.subList(0, Math.min(notJson.size(), 5)), "lines of the test log that are not JSON");
        assertTrue(withFunction > 0, "some log lines carry mdc.functionId");
    }
}
