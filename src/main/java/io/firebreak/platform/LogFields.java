package io.firebreak.platform;

import java.util.UUID;

import org.jboss.logging.MDC;

/**
 * The fields every log line of a call carries (functionId, requestId, incidentId, auditId), so one
 * call's lines can be found together in CloudWatch or any JSON log store (docs/operability.md).
 * In the HTTP service the MDC lives in the request's Vert.x duplicated context and follows the call
 * across its database round trips; on Lambda it is the invocation thread's, cleared when it ends.
 */
public final class LogFields {

    public static final String FUNCTION_ID = "functionId";
    public static final String REQUEST_ID = "requestId";
    public static final String INCIDENT_ID = "incidentId";
    public static final String AUDIT_ID = "auditId";

    /** A caller's request id is kept only when it is short and plain: it goes into every line as given. */
    static final int MAX_REQUEST_ID = 128;

    private LogFields() {
    }

    /** Where a call enters: what runs and under which request id (the caller's, if fit, else a fresh one). */
    public static String enter(String functionId, String requestId) {
        String id = fit(requestId) ? requestId : UUID.randomUUID().toString();
        MDC.remove(INCIDENT_ID);
        MDC.remove(AUDIT_ID);
        put(FUNCTION_ID, functionId);
        MDC.put(REQUEST_ID, id);
        return id;
    }

    public static void incident(String incidentId) {
        put(INCIDENT_ID, incidentId);
    }

    public static void audit(long auditId) {
        MDC.put(AUDIT_ID, Long.toString(auditId));
    }

    /** Where a call leaves a thread that serves others next (the Lambda's invocation thread). */
    public static void clear() {
        MDC.remove(FUNCTION_ID);
        MDC.remove(REQUEST_ID);
        MDC.remove(INCIDENT_ID);
        MDC.remove(AUDIT_ID);
    }

    static boolean fit(String requestId) {
        if (requestId == null || requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < requestId.length(); i++) {
            char c = requestId.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_' && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }

    private static void put(String key, String value) {
        if (value == null || value.isBlank()) {
            MDC.remove(key);
        } else {
            MDC.put(key, LogText.loggable(value));
        }
    }
}
