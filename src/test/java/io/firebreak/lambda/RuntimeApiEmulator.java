package io.firebreak.lambda;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Lambda Runtime API (2018-06-01), as much of it as a runtime uses: it hands out invocations on
 * GET /runtime/invocation/next (with the request id, deadline and function ARN headers) and records
 * what the runtime posts to /invocation/{id}/response, /invocation/{id}/error and /init/error.
 */
final class RuntimeApiEmulator implements AutoCloseable {

    static final String PREFIX = "/2018-06-01/runtime/";
    private static final Pattern INVOCATION_RESULT = Pattern.compile("invocation/([^/]+)/(response|error)");

    /** What the runtime posted for one invocation: "response" or "error", with its body and headers. */
    record Outcome(String requestId, String endpoint, String body, Map<String, String> headers) {
    }

    private record Invocation(String requestId, String event, long deadlineMs) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runtime-api-emulator");
        t.setDaemon(true);
        return t;
    });
    private final String functionArn;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final List<String> initErrors = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private RuntimeApiEmulator(String functionArn) throws IOException {
        this.functionArn = functionArn;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    static RuntimeApiEmulator start(String functionArn) throws IOException {
        return new RuntimeApiEmulator(functionArn);
    }

    /** AWS_LAMBDA_RUNTIME_API: host:port. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> initErrors() {
        return List.copyOf(initErrors);
    }

    /** Requests the Runtime API does not know, or results for request ids it never handed out. */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /**
     * Queues an invocation and waits for what the runtime posts for it. {@code failure} says why the
     * runtime cannot answer any more (it exited, it reported an init error), or null while it can.
     */
    Outcome invoke(String event, Duration timeout, Duration functionTimeout, Supplier<String> failure)
            throws InterruptedException {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(requestId, outcome);
        pending.put(new Invocation(requestId, event, System.currentTimeMillis() + functionTimeout.toMillis()));
        long giveUp = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return outcome.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                String why = !initErrors.isEmpty() ? "the runtime reported an init error: " + initErrors : failure.get();
                if (why != null) {
                    throw new AssertionError("invocation " + requestId + " unanswered: " + why);
                }
                if (System.nanoTime() > giveUp) {
                    throw new AssertionError("invocation " + requestId + " unanswered after " + timeout);
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
                return;
            }
            Matcher result = INVOCATION_RESULT.matcher(path);
            if (method.equals("POST") && result.matches()) {
                CompletableFuture<Outcome> outcome = outcomes.get(result.group(1));
                if (outcome == null) {
                    unexpected.add(method + " " + path);
                    respond(exchange, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
                outcome.complete(new Outcome(result.group(1), result.group(2), new String(body, StandardCharsets.UTF_8),
                        headers));
                respond(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            if (method.equals("POST") && path.equals("init/error")) {
                initErrors.add(new String(body, StandardCharsets.UTF_8));
                respond(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            unexpected.add(method + " " + path);
            respond(exchange, 404, "{\"errorMessage\":\"unknown path\",\"errorType\":\"NotFound\"}");
        } finally {
            exchange.close();
        }
    }

    /** The long poll: blocks until an invocation is queued (or the emulator closes). */
    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation = null;
        try {
            while (invocation == null && !closed) {
                invocation = pending.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (invocation == null) {
            respond(exchange, 500, "{\"errorMessage\":\"shutting down\",\"errorType\":\"ServiceException\"}");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineMs()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + invocation.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
        respond(exchange, 200, invocation.event());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(1);
        threads.shutdownNow();
    }
}
