package io.firebreak.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/**
 * function.zip run the way AWS's java21 runtime runs it, not through Quarkus' own test harness: the
 * zip extracted as Lambda extracts it into the task root, and a child JVM running AWS's Runtime
 * Interface Client (the main class the managed runtime starts, with only the runtime's jars on the
 * class path: the RIC loads the task root and its lib/*.jar itself) with the handler, timeout, memory
 * and environment infra/template.yaml gives the jvm packaging. Its Runtime API is {@link RuntimeApiEmulator};
 * its databases are fresh ones from {@link PostgresDatabases}, passed as the environment (as the
 * template passes the secrets).
 */
class RuntimeInterfaceClientIT {

    static final String EXPORT = "confirm-outage";
    static final String REGION = "eu-west-1";
    /** The first invocation starts Quarkus (QuarkusStreamHandler starts it on the first request) and migrates. */
    static final Duration COLD = Duration.ofSeconds(120);
    static final Duration WARM = Duration.ofSeconds(30);

    static SamTemplate.Function function;
    static PostgresDatabases databases;
    static TestDatabases db;
    static RuntimeApiEmulator api;
    static Process runtime;
    static Path log;
    static boolean warm;

    @BeforeAll
    static void startTheRuntime() throws IOException {
        assumeTrue(FunctionZip.jvm(FunctionZip.entryNames(FunctionZip.path())), "the java21 runtime runs the JVM zip, not -Dnative's");
        function = SamTemplate.load(Path.of("infra/template.yaml"), Map.of("Packaging", "jvm")).function(EXPORT);
        assertEquals("java21", function.runtime(), "the runtime this test stands in for");

        databases = new PostgresDatabases();
        databases.init(Map.of());
        Map<String, String> config = databases.start();
        databases.inject((value, field) -> db = (TestDatabases) value);

        Path work = Path.of(System.getProperty("firebreak.lambda.work", "target/lambda/lambda-it")).toAbsolutePath();
        deleteRecursively(work);
        Path task = FunctionZip.extract(FunctionZip.path(), work.resolve("task"));
        Path runtimeDir = Files.createDirectories(work.resolve("runtime"));
        log = work.resolve("runtime.log");

        String name = "firebreak-" + function.logicalId();
        api = RuntimeApiEmulator.start("arn:aws:lambda:" + REGION + ":123456789012:function:" + name + ":live");

        // As the java21 runtime's bootstrap starts it: serial GC, a heap from the function's memory, the
        // RIC's main class with the handler as its argument, in the task root.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxHeapSize=" + function.memoryMb() * 85 / 100 + "m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", runtimeClassPath(), AWSLambda.class.getName(), function.handler()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(task.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("_HANDLER", function.handler());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", LocalDate.now().toString().replace('-', '/') + "/[1]"
                + UUID.randomUUID().toString().replace("-", ""));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        // The template's own environment (QUARKUS_FUNQY_EXPORT, JAVA_TOOL_OPTIONS, ...), then what it
        // resolves from Secrets Manager, here the test databases and settings, under their env names
        // (PostgresDatabases' settings include migrating at start: the deploy step's migrate is another Lambda).
        env.putAll(function.environment());
        config.forEach((key, value) -> env.put(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
        runtime = builder.start();
    }

    @AfterAll
    static void stopTheRuntime() throws Exception {
        try {
            if (runtime != null) {
                runtime.destroy();
                if (!runtime.waitFor(15, TimeUnit.SECONDS)) {
                    runtime.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (api != null) {
                api.close();
            }
            if (databases != null) {
                databases.stop();
            }
        }
    }

    /** The jars the managed runtime puts on the class path: the RIC, its serialization and utils, and aws-lambda-java-core. */
    static String runtimeClassPath() {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : List.of(AWSLambda.class, PojoSerializer.class, SdkInternalThreadLocal.class, Context.class)) {
            try {
                jars.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    /** Hands the runtime one event and returns what it posted for it. */
    static RuntimeApiEmulator.Outcome invoke(String event) throws InterruptedException {
        RuntimeApiEmulator.Outcome outcome = api.invoke(event, warm ? WARM : COLD,
                Duration.ofSeconds(function.timeoutSeconds()), () -> runtime.isAlive() ? null
                        : "the runtime exited with " + runtime.exitValue() + ":\n" + tail());
        warm = true;
        assertEquals(List.of(), api.unexpected(), "requests the Runtime API does not serve");
        assertEquals(List.of(), api.initErrors(), "init errors");
        return outcome;
    }

    static JsonNode json(String text) {
        try {
            return LambdaEvents.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static String schedule(String job) {
        return LambdaEvents.JSON.createObjectNode().put("firebreak", "schedule").put("job", job).toString();
    }

    @Test
    void theTemplatesScheduleEventIsAnsweredOnTheResponseEndpoint() throws Exception {
        assertEquals(List.of(schedule(EXPORT)), function.scheduleInputs().stream().map(i -> json(i).toString()).toList());
        // EventBridge Scheduler delivers the schedule's Input as the payload, verbatim.
        RuntimeApiEmulator.Outcome outcome = invoke(function.scheduleInputs().get(0));
        assertEquals("response", outcome.endpoint(), outcome.body() + "\n" + tail());
        JsonNode answer = json(outcome.body());
        assertTrue(answer.path("verdict").isTextual(), answer.toString());
        assertTrue(answer.path("checks").isArray(), answer.toString());
        // It ran against the ops database (which the first invocation's start migrated) as the scheduled job.
        assertEquals(List.of(Map.of("trigger", "schedule", "verdict", answer.path("verdict").asText())),
                Sql.rows(db.ops(), "SELECT trigger, verdict FROM confirmations ORDER BY id DESC LIMIT 1"));
    }

    @Test
    void anHttpEventWithAValidTokenIsAnswered200InTheApiGatewayShape() throws Exception {
        RuntimeApiEmulator.Outcome outcome = invoke(LambdaEvents.event("confirm-outage.json", Map.of("TOKEN", Tokens.MONITOR))
                .toString());
        assertEquals("response", outcome.endpoint(), outcome.body() + "\n" + tail());
        JsonNode response = json(outcome.body());
        assertEquals(200, response.path("statusCode").asInt(), response.toString());
        assertEquals("application/json", response.path("headers").path("content-type").asText(), response.toString());
        assertFalse(response.path("isBase64Encoded").asBoolean(true), response.toString());
        JsonNode body = json(response.path("body").asText());
        assertTrue(body.path("verdict").isTextual(), body.toString());
        assertEquals("database", body.path("checks").path(0).path("name").asText(), body.toString());
    }

    @Test
    void anHttpEventWithAWrongTokenIsAnswered401NotFailed() throws Exception {
        ObjectNode event = LambdaEvents.event("confirm-outage.json", Map.of("TOKEN", "fbt_monitor_wrong"));
        RuntimeApiEmulator.Outcome outcome = invoke(event.toString());
        assertEquals("response", outcome.endpoint(), "a 401 is an answer, not a failed invocation: " + outcome.body());
        JsonNode response = json(outcome.body());
        assertEquals(401, response.path("statusCode").asInt(), response.toString());
        assertEquals("unauthenticated", json(response.path("body").asText()).path("error").path("code").asText(),
                response.toString());
    }

    @Test
    void aScheduledJobThatFailsIsPostedToTheErrorEndpoint() throws Exception {
        RuntimeApiEmulator.Outcome unknown = invoke(schedule("no-such-job"));
        assertEquals("error", unknown.endpoint(), unknown.body());
        JsonNode error = json(unknown.body());
        assertEquals(LambdaDispatcher.ScheduledJobFailed.class.getName(), error.path("errorType").asText(), error.toString());
        assertTrue(error.path("errorMessage").asText().contains("unknown_job"), error.toString());
        assertNotNull(unknown.headers().get("Lambda-Runtime-Function-Error-Type"), unknown.headers().toString());

        // A job that exists and fails, deterministically: the target lost a table the sweep reads.
        Sql.exec(db.target(), "ALTER TABLE public.erp_sync_logs RENAME TO erp_sync_logs_away");
        try {
            RuntimeApiEmulator.Outcome failed = invoke(schedule("dead-letter-sweep"));
            assertEquals("error", failed.endpoint(), failed.body());
            JsonNode sweepError = json(failed.body());
            assertEquals(LambdaDispatcher.ScheduledJobFailed.class.getName(), sweepError.path("errorType").asText(),
                    sweepError.toString());
            assertTrue(sweepError.path("errorMessage").asText().startsWith("scheduled job dead-letter-sweep failed: "),
                    sweepError.toString());
        } finally {
            Sql.exec(db.target(), "ALTER TABLE public.erp_sync_logs_away RENAME TO erp_sync_logs");
        }
        // The runtime goes on serving: the same job, with its table back, answers.
        RuntimeApiEmulator.Outcome recovered = invoke(schedule("dead-letter-sweep"));
        assertEquals("response", recovered.endpoint(), recovered.body());
        assertEquals(0, json(recovered.body()).path("spikes").size(), recovered.body());
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
