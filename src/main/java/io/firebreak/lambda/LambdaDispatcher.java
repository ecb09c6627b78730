package io.firebreak.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.firebreak.platform.ErrorJson;
import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;
import io.firebreak.platform.FunctionManifest;
import io.firebreak.platform.LogFields;
import io.firebreak.platform.PublicSite;
import io.firebreak.platform.ScheduledJob;
import io.firebreak.platform.ScheduledJobs;

/**
 * The one Lambda handler of every function. API Gateway / Function URL events (payload 2.0) go
 * through the same admission as Funqy HTTP and answer with the same status codes and error shape;
 * EventBridge Scheduler events run the named job exactly as the in-process scheduler does, and a job
 * that fails fails the invocation ({@link ScheduledJobFailed}).
 */
public class LambdaDispatcher implements RequestStreamHandler {

    private static final Logger LOG = Logger.getLogger(LambdaDispatcher.class);

    @Inject
    FunctionAdmission admission;

    @Inject
    FunctionInvocation invocation;

    @Inject
    ScheduledJobs jobs;

    @Inject
    ObjectMapper mapper;

    @Inject
    jakarta.enterprise.inject.Instance<PublicSite> sites;

    @ConfigProperty(name = "quarkus.funqy.export")
    Optional<String> export;

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event;
        try {
            event = mapper.readTree(input);
        } catch (JsonProcessingException e) {
            event = null;
        }
        // Every log line of this invocation names the function and Lambda's request id (CloudWatch's too).
        String exported = export.filter(e -> !e.isBlank()).orElse(null);
        LogFields.enter(exported, context == null ? null : context.getAwsRequestId());
        try {
            JsonNode answer;
            if (event != null && HttpEvent.is(event)) {
                HttpEvent http = HttpEvent.of(event);
                if (exported == null) {
                    LogFields.enter(functionOf(http.rawPath()), context == null ? null : context.getAwsRequestId());
                }
                answer = http(http);
            } else if (event != null && ScheduleEvent.is(event)) {
                String job = ScheduleEvent.jobName(event, export.orElse(null), admission.manifest());
                if (exported == null) {
                    LogFields.enter(job, context == null ? null : context.getAwsRequestId());
                }
                answer = schedule(job);
            } else {
                answer = readTree(ErrorJson.of(400, "unknown_event",
                        "expected an API Gateway HTTP (payload 2.0) or EventBridge Scheduler event", null));
            }
            mapper.writeValue(output, answer);
        } finally {
            // The runtime's thread serves the next invocation: it must not inherit this one's fields.
            LogFields.clear();
        }
    }

    /** The function a path names (its first segment), when the manifest has it; null otherwise. */
    private String functionOf(String rawPath) {
        String first = rawPath.replaceFirst("^/+", "").split("/", 2)[0];
        return admission.manifest().all().containsKey(first) ? first : null;
    }

    /** An HTTP event: admission, invocation, and an API Gateway response with the status and JSON body. */
    JsonNode http(HttpEvent event) {
        Optional<FunctionManifest.Function> site = admission.manifest().publicFunction(event.rawPath())
                .filter(f -> export.isEmpty() || export.get().isBlank() || export.get().equals(f.id()));
        if (site.isPresent()) {
            return publicPage(site.get(), event);
        }
        int status;
        String body;
        try {
            FunctionAdmission.Admitted admitted = admission.admit(event.call(export.orElse(null)));
            // (event.call refuses, as 404, a path of another function than the one this Lambda exports)
            body = invocation.invoke(admitted);
            status = 200;
        } catch (RuntimeException e) {
            FunctionError refusal = refusal(e);
            status = refusal.status();
            body = ErrorJson.of(refusal);
        }
        ObjectNode response = mapper.createObjectNode();
        response.put("statusCode", status);
        response.putObject("headers").put("content-type", "application/json");
        response.put("isBase64Encoded", false);
        response.put("body", body);
        return response;
    }

    /** A public path (the status page): its site answers, without a token, as the HTTP service would. */
    JsonNode publicPage(FunctionManifest.Function f, HttpEvent event) {
        String prefix = f.publicPath().orElseThrow();
        ObjectNode response = mapper.createObjectNode();
        response.put("isBase64Encoded", false);
        if (event.rawPath().equals(prefix)) {
            response.put("statusCode", 301);
            response.putObject("headers").put("location", prefix + "/");
            response.put("body", "");
            return response;
        }
        PublicSite.Response r;
        try {
            PublicSite site = sites.stream().filter(s -> s.function().equals(f.id())).findFirst().orElseThrow(
                    () -> new FunctionError(404, "unknown_function", "no public site at " + prefix, null));
            r = site.serve(new PublicSite.Request(event.method(), event.rawPath().substring(prefix.length()), event.query(),
                    event.headers(), event.body(), event.sourceIp())).await().indefinitely();
        } catch (RuntimeException e) {
            FunctionError refusal = refusal(e);
            r = PublicSite.Response.of(refusal.status(), "application/json", ErrorJson.of(refusal));
        }
        response.put("statusCode", r.status());
        ObjectNode headers = response.putObject("headers");
        r.headers().forEach(headers::put);
        response.put("body", new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        return response;
    }

    /**
     * A schedule event: the job's result as JSON. A job that fails (or is unknown) fails the invocation:
     * it throws, so the runtime reports an invocation error, which Lambda's asynchronous retries, its
     * Errors metric and the on-failure destination see (an HTTP event's 4xx/5xx is an answer, not that).
     * Invocation rights are IAM's to grant.
     */
    JsonNode schedule(String name) {
        try {
            ScheduledJob job = jobs.find(name).orElseThrow(
                    () -> new FunctionError(404, "unknown_job", "no scheduled job " + name, "job"));
            Object result = job.run().await().indefinitely();
            return mapper.valueToTree(result);
        } catch (RuntimeException e) {
            throw new ScheduledJobFailed(name, refusal(e), e);
        }
    }

    /**
     * A scheduled job that did not complete: the invocation's error. Its message carries the error
     * shape's code and message (an internal error's names the log reference), so the error Lambda
     * records (and passes to the on-failure destination) says what went wrong.
     */
    public static final class ScheduledJobFailed extends RuntimeException {

        ScheduledJobFailed(String job, FunctionError error, Throwable cause) {
            super("scheduled job " + job + " failed: " + error.code() + " (" + error.status() + "): " + error.getMessage(),
                    cause == error ? null : cause);
        }
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the caller learns: a refusal as raised, or an internal error with a reference to the log. */
    private static FunctionError refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FunctionError f) {
                return f;
            }
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure (reference %s)", reference);
        return new FunctionError(500, "internal_error", "unexpected error; reference " + reference, null);
    }
}
