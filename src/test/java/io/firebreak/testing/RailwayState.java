package io.firebreak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.Coercing;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;

/**
 * Railway as a stateful service for the fake: projects' deployments that move through their
 * statuses with time (BUILDING → DEPLOYING → SUCCESS; the deployment a new one replaces becomes
 * REMOVED), service variables, and the mutations of Railway's published schema — every request is
 * parsed, validated and executed against contracts/railway/schema.graphql, so a document Railway
 * would reject is rejected here (400 for an invalid document; GraphQL errors with HTTP 200 for a
 * refused one, as Railway answers). Tests arrange deployments, refusals, lost answers and delays.
 */
public final class RailwayState implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "railway-state";

    /** A deployment: Railway's id, its service, when it was made, the statuses it goes through, its commit. */
    public static final class Deployment {
        public final String id;
        public final String serviceId;
        public final Instant createdAt;
        public final Map<String, Object> meta;
        volatile List<String> script;
        volatile long started = System.currentTimeMillis();
        volatile String forced;
        volatile boolean canRollback = true;

        Deployment(String id, String serviceId, Instant createdAt, Map<String, Object> meta, List<String> script) {
            this.id = id;
            this.serviceId = serviceId;
            this.createdAt = createdAt;
            this.meta = meta;
            this.script = script;
        }

        public String status() {
            if (forced != null) {
                return forced;
            }
            int step = (int) Math.min(script.size() - 1, (System.currentTimeMillis() - started) / stepMillis);
            return script.get(Math.max(0, step));
        }

        /** Fixes the status from now on (a crash, a stuck build). */
        public Deployment status(String status) {
            forced = status;
            return this;
        }

        public Deployment canRollback(boolean can) {
            canRollback = can;
            return this;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static volatile long stepMillis = 200;

    private final String token;
    private final String project;
    private final String environment;
    private final GraphQL graphql;
    private final Map<String, List<Deployment>> deployments = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> variables = new LinkedHashMap<>();
    private final List<String> mutations = new CopyOnWriteArrayList<>();
    private final Map<String, String> refuseNext = new LinkedHashMap<>();
    private final Map<String, Integer> loseAnswer = new LinkedHashMap<>();
    private final Map<String, Integer> delay = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile List<String> newScript = List.of("BUILDING", "DEPLOYING", "SUCCESS");
    private volatile List<String> rollbackScript = List.of("DEPLOYING", "SUCCESS");
    // Railway has no restarting status: a restart shows as the same status with a new statusUpdatedAt.
    private volatile List<String> restartScript = List.of("SUCCESS");

    public RailwayState(String token, String project, String environment) {
        this.token = token;
        this.project = project;
        this.environment = environment;
        String sdl;
        try (InputStream in = RailwayState.class.getClassLoader().getResourceAsStream("contracts/railway/schema.graphql")) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(passThrough("DateTime")).scalar(passThrough("DeploymentMeta")).scalar(passThrough("EnvironmentVariables"))
                .type("Query", t -> t.dataFetcher("deployment", this::deployment).dataFetcher("deployments", this::deployments)
                        .dataFetcher("serviceInstance", this::serviceInstance).dataFetcher("variables", this::variablesOf))
                .type("Mutation", t -> t.dataFetcher("deploymentRestart", this::restart)
                        .dataFetcher("deploymentRollback", this::rollback)
                        .dataFetcher("deploymentRedeploy", this::redeployOne)
                        .dataFetcher("serviceInstanceRedeploy", this::redeploy)
                        .dataFetcher("variableUpsert", this::upsert).dataFetcher("variableDelete", this::delete))
                .build();
        graphql = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring)).build();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    // ---- arranging ----

    public synchronized void reset() {
        deployments.clear();
        variables.clear();
        mutations.clear();
        refuseNext.clear();
        loseAnswer.clear();
        delay.clear();
        stepMillis = 200;
        newScript = List.of("BUILDING", "DEPLOYING", "SUCCESS");
        rollbackScript = List.of("DEPLOYING", "SUCCESS");
        restartScript = List.of("SUCCESS");
    }

    /** A deployment made at createdAt, already settled in status, from a commit. */
    public synchronized Deployment deployed(String serviceId, String id, Instant createdAt, String status, String commit) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("commitHash", commit);
        meta.put("commitMessage", "commit " + commit);
        meta.put("branch", "main");
        Deployment d = new Deployment(id, serviceId, createdAt, meta, List.of(status));
        // Settled when it was made: its statusUpdatedAt is its createdAt until something acts on it.
        d.started = createdAt.toEpochMilli();
        deployments.computeIfAbsent(serviceId, k -> new ArrayList<>()).add(d);
        deployments.get(serviceId).sort(Comparator.comparing((Deployment x) -> x.createdAt).reversed());
        return d;
    }

    public synchronized void variable(String serviceId, String name, String value) {
        variables.computeIfAbsent(serviceId, k -> new LinkedHashMap<>()).put(name, value);
    }

    public synchronized String variable(String serviceId, String name) {
        return variables.getOrDefault(serviceId, Map.of()).get(name);
    }

    public synchronized List<Deployment> deploymentsOf(String serviceId) {
        return List.copyOf(deployments.getOrDefault(serviceId, List.of()));
    }

    /** Every mutation Railway carried out, in order: "field arg…" (a variable's value is never listed). */
    public List<String> mutations() {
        return List.copyOf(mutations);
    }

    /** The next call of this mutation is refused with a GraphQL error (HTTP 200), changing nothing. */
    public synchronized void refuseNext(String field, String message) {
        refuseNext.put(field, message);
    }

    /** The next call of this mutation is carried out, then its answer is lost (the connection resets). */
    public synchronized void loseAnswerOf(String field) {
        loseAnswer.merge(field, 1, Integer::sum);
    }

    /** Every call of this field answers after millis (a hanging Railway). */
    public synchronized void delay(String field, int millis) {
        delay.put(field, millis);
    }

    /** How long each status of a new deployment lasts. */
    public void stepMillis(long millis) {
        stepMillis = millis;
    }

    public void newDeploymentStatuses(String... statuses) {
        newScript = List.of(statuses);
    }

    public void rollbackStatuses(String... statuses) {
        rollbackScript = List.of(statuses);
    }

    public void restartStatuses(String... statuses) {
        restartScript = List.of(statuses);
    }

    // ---- serving ----

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String auth = event.getRequest().getHeader("Authorization");
        String projectToken = event.getRequest().getHeader("Project-Access-Token");
        // Account and workspace tokens go as a bearer; a project token in Project-Access-Token.
        if ((auth == null || !auth.equals("Bearer " + token)) && (projectToken == null || !projectToken.equals(token))) {
            Map<String, Object> refused = new LinkedHashMap<>();
            refused.put("data", null);
            refused.put("errors", List.of(Map.of("message", "Not Authorized")));
            return answer(200, refused, 0, false);
        }
        JsonNode body;
        try {
            body = JSON.readTree(event.getRequest().getBodyAsString());
        } catch (IOException e) {
            return answer(400, Map.of("errors", List.of(Map.of("message", "POST body sent invalid JSON."))), 0, false);
        }
        Map<String, Object> vars = body.path("variables").isObject()
                ? JSON.convertValue(body.get("variables"), Map.class) : Map.of();
        String query = body.path("query").asText("");
        int wait;
        boolean lose;
        ExecutionResult result;
        synchronized (this) {
            settle();
            wait = delay.entrySet().stream().filter(e -> query.contains(e.getKey() + "(")).mapToInt(Map.Entry::getValue).max()
                    .orElse(0);
            int before = mutations.size();
            result = graphql.execute(ExecutionInput.newExecutionInput().query(query).variables(vars).build());
            lose = false;
            for (String m : mutations.subList(before, mutations.size())) {
                String field = m.split(" ")[0];
                Integer n = loseAnswer.get(field);
                if (n != null && n > 0) {
                    loseAnswer.put(field, n - 1);
                    lose = true;
                }
            }
        }
        boolean invalid = result.getErrors().stream().anyMatch(e -> {
            ErrorClassification c = e.getErrorType();
            return c == ErrorType.ValidationError || c == ErrorType.InvalidSyntax;
        });
        return answer(invalid ? 400 : 200, result.toSpecification(), wait, lose);
    }

    private static ResponseDefinition answer(int status, Map<String, Object> body, int delayMs, boolean lose) {
        var builder = com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(Json.write(body));
        if (delayMs > 0) {
            builder.withFixedDelay(delayMs);
        }
        if (lose) {
            builder.withFault(Fault.CONNECTION_RESET_BY_PEER);
        }
        return builder.build();
    }

    /** A new deployment that reached SUCCESS replaces the one before it, which Railway then shows as REMOVED. */
    private void settle() {
        for (List<Deployment> list : deployments.values()) {
            boolean newer = false;
            for (Deployment d : list) {
                if ("SUCCESS".equals(d.status())) {
                    if (newer) {
                        d.forced = "REMOVED";
                    }
                    newer = true;
                }
            }
        }
    }

    private Deployment find(String id) {
        return deployments.values().stream().flatMap(List::stream).filter(d -> d.id.equals(id)).findFirst().orElse(null);
    }

    private Deployment newDeployment(String serviceId, Map<String, Object> meta, List<String> script) {
        Deployment d = new Deployment("dep-" + ids.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff),
                serviceId, Instant.now(), new LinkedHashMap<>(meta), script);
        deployments.computeIfAbsent(serviceId, k -> new ArrayList<>()).add(0, d);
        return d;
    }

    private Map<String, Object> view(Deployment d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id);
        m.put("status", d.status());
        m.put("createdAt", d.createdAt.toString());
        m.put("updatedAt", d.createdAt.toString());
        m.put("statusUpdatedAt", Instant.ofEpochMilli(d.started).toString());
        m.put("canRollback", d.canRollback && List.of("SUCCESS", "REMOVED", "SLEEPING").contains(d.status()));
        m.put("canRedeploy", true);
        m.put("deploymentStopped", List.of("REMOVED", "CRASHED", "FAILED").contains(d.status()));
        m.put("environmentId", environment);
        m.put("projectId", project);
        m.put("serviceId", d.serviceId);
        m.put("meta", d.meta);
        m.put("url", null);
        return m;
    }

    private static DataFetcherResult<Object> error(DataFetchingEnvironment env, String message) {
        return DataFetcherResult.newResult().error(GraphqlErrorBuilder.newError(env).message(message).build()).build();
    }

    /** A refusal the test arranged for this field, consumed. */
    private String refusal(String field) {
        return refuseNext.remove(field);
    }

    private boolean known(Object serviceId) {
        return serviceId != null && deployments.containsKey(serviceId.toString()) || variables.containsKey(String.valueOf(serviceId));
    }

    private Object deployment(DataFetchingEnvironment env) {
        Deployment d = find(env.getArgument("id"));
        return d == null ? error(env, "Deployment not found") : view(d);
    }

    private Object deployments(DataFetchingEnvironment env) {
        Map<String, Object> input = env.getArgument("input");
        if ((input.get("projectId") != null && !project.equals(input.get("projectId")))
                || (input.get("environmentId") != null && !environment.equals(input.get("environmentId")))) {
            return error(env, "Not Authorized");
        }
        List<Deployment> list = input.get("serviceId") == null
                ? deployments.values().stream().flatMap(List::stream).toList()
                : deployments.getOrDefault(input.get("serviceId").toString(), List.of());
        Integer first = env.getArgument("first");
        String after = env.getArgument("after");
        int from = after == null ? 0 : Integer.parseInt(after) + 1;
        int n = first == null ? 100 : Math.min(first, 100);
        List<Map<String, Object>> edges = new ArrayList<>();
        for (int i = from; i < list.size() && edges.size() < n; i++) {
            edges.add(Map.of("cursor", String.valueOf(i), "node", view(list.get(i))));
        }
        int last = from + edges.size() - 1;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("hasNextPage", last + 1 < list.size());
        info.put("hasPreviousPage", from > 0);
        info.put("endCursor", edges.isEmpty() ? null : String.valueOf(last));
        info.put("startCursor", edges.isEmpty() ? null : String.valueOf(from));
        return Map.of("edges", edges, "pageInfo", info);
    }

    private Object serviceInstance(DataFetchingEnvironment env) {
        String service = env.getArgument("serviceId");
        if (!environment.equals(env.getArgument("environmentId")) || !known(service)) {
            return error(env, "ServiceInstance not found");
        }
        List<Deployment> list = deployments.getOrDefault(service, List.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "si-" + service);
        m.put("serviceId", service);
        m.put("environmentId", environment);
        m.put("serviceName", service);
        m.put("latestDeployment", list.isEmpty() ? null : view(list.get(0)));
        m.put("activeDeployments", list.stream().filter(d -> d.status().equals("SUCCESS")).map(this::view).toList());
        return m;
    }

    private Object variablesOf(DataFetchingEnvironment env) {
        if (!project.equals(env.getArgument("projectId")) || !environment.equals(env.getArgument("environmentId"))) {
            return error(env, "Not Authorized");
        }
        return new LinkedHashMap<>(variables.getOrDefault(String.valueOf((Object) env.getArgument("serviceId")), Map.of()));
    }

    private Object restart(DataFetchingEnvironment env) {
        String refused = refusal("deploymentRestart");
        Deployment d = find(env.getArgument("id"));
        if (refused != null || d == null) {
            return error(env, refused != null ? refused : "Deployment not found");
        }
        if (!List.of("SUCCESS", "CRASHED", "SLEEPING").contains(d.status())) {
            return error(env, "Deployment is not running");
        }
        d.forced = null;
        d.script = restartScript;
        d.started = System.currentTimeMillis();
        mutations.add("deploymentRestart " + d.id);
        return true;
    }

    private Object rollback(DataFetchingEnvironment env) {
        String refused = refusal("deploymentRollback");
        Deployment d = find(env.getArgument("id"));
        if (refused != null || d == null) {
            return error(env, refused != null ? refused : "Deployment not found");
        }
        if (!d.canRollback || !List.of("SUCCESS", "REMOVED", "SLEEPING").contains(d.status())) {
            return error(env, "Cannot rollback to this deployment");
        }
        Deployment made = newDeployment(d.serviceId, d.meta, rollbackScript);
        mutations.add("deploymentRollback " + d.id + " -> " + made.id);
        return true;
    }

    private Object redeployOne(DataFetchingEnvironment env) {
        Deployment d = find(env.getArgument("id"));
        if (d == null) {
            return error(env, "Deployment not found");
        }
        Deployment made = newDeployment(d.serviceId, d.meta, newScript);
        mutations.add("deploymentRedeploy " + d.id + " -> " + made.id);
        return view(made);
    }

    private Object redeploy(DataFetchingEnvironment env) {
        String refused = refusal("serviceInstanceRedeploy");
        String service = env.getArgument("serviceId");
        if (refused != null || !environment.equals(env.getArgument("environmentId")) || !known(service)) {
            return error(env, refused != null ? refused : "ServiceInstance not found");
        }
        List<Deployment> list = deployments.getOrDefault(service, List.of());
        Deployment made = newDeployment(service, list.isEmpty() ? Map.of() : list.get(0).meta, newScript);
        mutations.add("serviceInstanceRedeploy " + service + " -> " + made.id);
        return true;
    }

    private Object upsert(DataFetchingEnvironment env) {
        String refused = refusal("variableUpsert");
        Map<String, Object> input = env.getArgument("input");
        Object service = input.get("serviceId");
        if (refused != null || !project.equals(input.get("projectId")) || !environment.equals(input.get("environmentId"))
                || !known(service)) {
            return error(env, refused != null ? refused : "Not Authorized");
        }
        variables.computeIfAbsent(service.toString(), k -> new LinkedHashMap<>()).put((String) input.get("name"),
                (String) input.get("value"));
        String made = "";
        if (!Boolean.TRUE.equals(input.get("skipDeploys"))) {
            List<Deployment> list = deployments.getOrDefault(service.toString(), List.of());
            made = " -> " + newDeployment(service.toString(), list.isEmpty() ? Map.of() : list.get(0).meta, newScript).id;
        }
        mutations.add("variableUpsert " + service + " " + input.get("name") + made);
        return true;
    }

    private Object delete(DataFetchingEnvironment env) {
        String refused = refusal("variableDelete");
        Map<String, Object> input = env.getArgument("input");
        Object service = input.get("serviceId");
        if (refused != null || !project.equals(input.get("projectId")) || !environment.equals(input.get("environmentId"))
                || !known(service)) {
            return error(env, refused != null ? refused : "Not Authorized");
        }
        Map<String, String> vars = variables.computeIfAbsent(service.toString(), k -> new LinkedHashMap<>());
        String made = "";
        if (vars.remove((String) input.get("name")) != null) {
            List<Deployment> list = deployments.getOrDefault(service.toString(), List.of());
            made = " -> " + newDeployment(service.toString(), list.isEmpty() ? Map.of() : list.get(0).meta, newScript).id;
        }
        mutations.add("variableDelete " + service + " " + input.get("name") + made);
        return true;
    }

    /** A scalar carried as JSON as it is (Railway's DateTime strings, DeploymentMeta and EnvironmentVariables objects). */
    private static GraphQLScalarType passThrough(String name) {
        return GraphQLScalarType.newScalar().name(name).coercing(new Coercing<Object, Object>() {
            @Override
            public Object serialize(Object value) {
                return value;
            }

            @Override
            public Object parseValue(Object input) {
                return input;
            }

            @Override
            public Object parseLiteral(Object input) {
                return input instanceof graphql.language.StringValue v ? v.getValue() : input;
            }
        }).build();
    }
}
