package io.firebreak.platform;

import java.util.Map;

/**
 * A refusal a caller can act on: HTTP status, a stable machine-readable code, a human message and
 * the input field at fault, optionally with details (an apply that failed part-way names its audit
 * record and what committed). Every binding renders it in the one error shape.
 */
public class FunctionError extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final Map<String, Object> details;
    private final boolean replayable;

    public FunctionError(int status, String code, String message, String field) {
        this(status, code, message, field, Map.of(), status < 500);
    }

    /**
     * @param replayable whether a repeat with the same idempotency key gets this answer again
     *        (refusals, and failures after something changed) rather than trying again
     */
    public FunctionError(int status, String code, String message, String field, Map<String, Object> details,
            boolean replayable) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.details = details;
        this.replayable = replayable;
    }

    public static FunctionError badInput(String code, String field, String message) {
        return new FunctionError(400, code, message, field);
    }

    public static FunctionError unavailable(String code, String message) {
        return new FunctionError(503, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public Map<String, Object> details() {
        return details;
    }

    public boolean replayable() {
        return replayable;
    }
}
