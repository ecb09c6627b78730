package io.firebreak.functions;

/**
 * A refusal a caller can act on: HTTP status, a stable machine-readable code, a human message and
 * the input field at fault. Every binding renders it in the one error shape.
 */
public class FunctionError extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public FunctionError(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
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
}
