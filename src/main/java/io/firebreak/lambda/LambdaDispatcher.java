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

import io.firebreak.functions.ErrorJson;
import io.firebreak.functions.FunctionAdmission;
import io.firebreak.functions.FunctionError;
import io.firebreak.functions.FunctionInvocation;
import io.firebreak.functions.ScheduledJob;
import io.firebreak.functions.ScheduledJobs;

/**
 * The one Lambda handler of every function. API Gateway / Function URL events (payload 2.0) go
 * through the same admission as Funqy HTTP and answer with the same status codes and error shape;
 * EventBridge Scheduler events run the named job exactly as the in-process scheduler does.
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
        JsonNode answer;
        if (event != null && HttpEvent.is(event)) {
            answer = http(HttpEvent.of(event));
        } else if (event != null && ScheduleEvent.is(event)) {
            answer = schedule(ScheduleEvent.jobName(event, export.orElse(null), admission.manifest()));
        } else {
            answer = readTree(ErrorJson.of(400, "unknown_event",
                    "expected an API Gateway HTTP (payload 2.0) or EventBridge Scheduler event", null));
        }
        mapper.writeValue(output, answer);
    }

    /** An HTTP event: admission, invocation, and an API Gateway response with the status and JSON body. */
    JsonNode http(HttpEvent event) {
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

    /** A schedule event: the job's result as JSON, or the error shape. Invocation rights are IAM's to grant. */
    JsonNode schedule(String name) {
        try {
            ScheduledJob job = jobs.find(name).orElseThrow(
                    () -> new FunctionError(404, "unknown_job", "no scheduled job " + name, "job"));
            Object result = job.run().await().indefinitely();
            return mapper.valueToTree(result);
        } catch (RuntimeException e) {
            return readTree(ErrorJson.of(refusal(e)));
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
