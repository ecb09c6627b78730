package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.platform.FunctionManifest;
import io.firebreak.platform.ScheduledJobs;
import io.firebreak.testing.PostgresDatabases;

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
        // Each id links to its docs page's heading: | [`id`](docs/<page>.md#id) | role | triggers | changes | description |
        // (DocsTest checks the page has that heading, and that it is the only page that has it).
        Pattern row = Pattern.compile("^\\| \\[`([a-z-]+)`\\]\\(docs/[a-z-]+\\.md#([a-z-]+)\\) \\| (\\w+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|",
                Pattern.MULTILINE);
        Matcher m = row.matcher(readme);
        Set<String> listed = new TreeSet<>();
        while (m.find()) {
            FunctionManifest.Function f = manifest().find(m.group(1)).orElseThrow(
                    () -> new AssertionError("README lists " + m.group(1) + ", which functions.yaml does not have"));
            listed.add(f.id());
            assertEquals(f.id(), m.group(2), f.id() + " links to its own heading");
            assertEquals(f.role().id(), m.group(3), f.id() + " role");
            String triggers = "HTTP " + String.join("/", f.httpMethods())
                    + f.schedule().map(s -> ", schedule `" + s.cron() + "`").orElse("");
            assertEquals(triggers, m.group(4).trim(), f.id() + " triggers");
            assertEquals(f.changes().isEmpty() ? "—" : String.join(", ", f.changes()), m.group(5).trim(), f.id() + " changes");
            assertEquals(f.description(), m.group(6).trim(), f.id() + " description");
        }
        assertEquals(new TreeSet<>(manifest().all().keySet()), listed, "README function table");
    }

    @Test
    void theSamTemplateHasOneLambdaPerManifestEntryAndNothingElse() throws IOException {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra/template.yaml").toFile());
        Set<String> lambdas = new TreeSet<>();
        template.path("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                lambdas.add(r.getValue().path("Properties").path("Environment").path("Variables")
                        .path("QUARKUS_FUNQY_EXPORT").asText());
            }
        });
        assertEquals(new TreeSet<>(manifest().all().keySet()), lambdas, "one Lambda per function, by export");

        for (FunctionManifest.Function f : manifest().all().values()) {
            String name = Pattern.compile("(^|-)([a-z])").matcher(f.id()).replaceAll(m -> m.group(2).toUpperCase())
                    + "Function";
            JsonNode props = template.path("Resources").path(name).path("Properties");
            assertEquals(f.description(), props.path("Description").asText(), name + " description");
            assertEquals(f.timeoutSeconds(), props.path("Timeout").asInt(), name + " timeout");
            assertEquals(f.memoryMb(), props.path("MemorySize").asInt(), name + " memory");
            Set<String> http = new TreeSet<>();
            Set<String> schedules = new TreeSet<>();
            props.path("Events").forEach(e -> {
                JsonNode p = e.path("Properties");
                switch (e.path("Type").asText()) {
                    case "HttpApi" -> {
                        assertEquals("/" + f.id(), p.path("Path").asText(), name + " route");
                        assertEquals("2.0", p.path("PayloadFormatVersion").asText());
                        http.add(p.path("Method").asText());
                    }
                    case "ScheduleV2" -> schedules.add(p.path("ScheduleExpression").asText() + " " + p.path("Input").asText());
                    default -> throw new AssertionError(name + " has an event of type " + e.path("Type"));
                }
            });
            assertEquals(new TreeSet<>(f.httpMethods()), http, name + " HTTP methods");
            assertEquals(f.schedule().map(s -> Set.of(s.expression() + " {\"firebreak\":\"schedule\",\"job\":\"" + s.name() + "\"}"))
                    .orElse(Set.of()), schedules, name + " schedules");
        }
    }

    @Test
    void everyScheduledFunctionSendsItsFailedRunsToAQueue() throws IOException {
        JsonNode resources = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra/template.yaml").toFile()).path("Resources");
        Set<String> scheduled = new TreeSet<>();
        resources.fields().forEachRemaining(r -> r.getValue().path("Properties").path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("ScheduleV2")) {
                scheduled.add(r.getKey());
            }
        }));
        Set<String> manifest = new TreeSet<>();
        manifest().all().values().stream().filter(f -> f.schedule().isPresent()).forEach(f -> manifest.add(
                Pattern.compile("(^|-)([a-z])").matcher(f.id()).replaceAll(m -> m.group(2).toUpperCase()) + "Function"));
        assertEquals(manifest, scheduled, "the functions with a schedule");
        for (String name : scheduled) {
            // The scheduler invokes asynchronously: a run that throws is retried by Lambda, then sent here.
            JsonNode config = resources.path(name).path("Properties").path("EventInvokeConfig");
            JsonNode onFailure = config.path("DestinationConfig").path("OnFailure");
            assertEquals("SQS", onFailure.path("Type").asText(), name + " has an on-failure destination");
            JsonNode queue = onFailure.path("Destination").path("Fn::GetAtt");
            assertEquals("Arn", queue.path(1).asText(), name + "'s destination is a queue's ARN");
            assertEquals("AWS::SQS::Queue", resources.path(queue.path(0).asText()).path("Type").asText(),
                    name + "'s destination " + queue.path(0) + " is a queue of this template");
            assertTrue(config.path("MaximumRetryAttempts").isInt() && config.path("MaximumRetryAttempts").asInt() >= 0
                    && config.path("MaximumRetryAttempts").asInt() <= 2, name + " says how often Lambda retries (0-2)");
        }
    }

    @Test
    void theTemplateHoldsNoSecretOnlyWhereToFindThem() throws IOException {
        JsonNode env = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra/template.yaml").toFile())
                .path("Globals").path("Function").path("Environment").path("Variables");
        for (String secret : List.of("OPS_DATABASE_URL", "TARGET_DATABASE_URL", "FIREBREAK_API_KEYS",
                "PAYSTACK_SECRET_KEY", "FLUTTERWAVE_SECRET_KEY", "FLUTTERWAVE_WEBHOOK_HASH", "WHATSAPP_TOKEN",
                "RESEND_API_KEY", "SUPABASE_ACCESS_TOKEN", "SLACK_BOT_TOKEN", "TWILIO_AUTH_TOKEN", "SENTRY_TOKEN",
                "GITHUB_TOKEN", "RAILWAY_TOKEN", "FIREBREAK_APP_DATABASE_URL", "FIREBREAK_STATUS_SECRET",
                "PAGERDUTY_ROUTING_KEY")) {
            assertTrue(env.path(secret).path("Fn::Sub").asText().startsWith("{{resolve:secretsmanager:${RuntimeSecret}"),
                    secret + " comes from Secrets Manager");
        }
        // The owner's URL reaches the migrate function alone: every other function runs as the runtime role.
        JsonNode resources = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra/template.yaml").toFile()).path("Resources");
        assertTrue(env.path("OPS_MIGRATION_DATABASE_URL").isMissingNode(), "no global migration URL");
        resources.fields().forEachRemaining(r -> {
            JsonNode migration = r.getValue().path("Properties").path("Environment").path("Variables")
                    .path("OPS_MIGRATION_DATABASE_URL");
            assertEquals(r.getKey().equals("MigrateFunction"), !migration.isMissingNode(), r.getKey() + " and the migration URL");
            if (!migration.isMissingNode()) {
                assertTrue(migration.path("Fn::Sub").asText().startsWith("{{resolve:secretsmanager:${MigrationSecret}"));
            }
        });
    }

    @Inject
    ScheduledJobs jobs;

    @Test
    void scheduleTriggersMatchTheJobsAndTheirDefaultCron() throws IOException {
        Set<String> scheduled = new TreeSet<>();
        manifest().all().values().forEach(f -> f.schedule().ifPresent(s -> scheduled.add(s.name())));
        assertEquals(scheduled, new TreeSet<>(jobs.all().keySet()), "every schedule trigger has a job, and back");
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        for (FunctionManifest.Function f : manifest().all().values()) {
            f.schedule().ifPresent(s -> assertTrue(Pattern.compile(Pattern.quote(s.cronProperty()) + "=\\$\\{[A-Z_]+:"
                    + Pattern.quote(s.cron()) + "}").matcher(properties).find(),
                    "the default cron of " + s.cronProperty() + " is the manifest's " + s.cron()));
        }
    }
}
