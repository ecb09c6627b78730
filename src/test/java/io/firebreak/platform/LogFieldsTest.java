package io.firebreak.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A caller's request id goes into every log line only when it is short and plain; a call starts with no other call's fields. */
class LogFieldsTest {

    @AfterEach
    void clear() {
        LogFields.clear();
    }

    @Test
    void aPlainRequestIdIsKeptAndAnythingElseReplaced() {
        assertEquals("req-1:a_b.c", LogFields.enter("confirm-outage", "req-1:a_b.c"));
        assertEquals("confirm-outage", MDC.get(LogFields.FUNCTION_ID));
        for (String bad : new String[] { "a b", "x\ny", "\"quoted\"", "é", "a".repeat(129), "" }) {
            String id = LogFields.enter("confirm-outage", bad);
            assertNotEquals(bad, id);
            assertEquals(36, id.length(), "a fresh UUID for " + bad);
        }
    }

    @Test
    void enteringACallDropsThePreviousCallsIncidentAndAuditRecord() {
        LogFields.enter("declare-incident", "r1");
        LogFields.incident("INC-2026-12-02-001");
        LogFields.audit(42);
        LogFields.enter("get-incident", "r2");
        assertNull(MDC.get(LogFields.INCIDENT_ID));
        assertNull(MDC.get(LogFields.AUDIT_ID));
        LogFields.clear();
        assertNull(MDC.get(LogFields.FUNCTION_ID));
        assertNull(MDC.get(LogFields.REQUEST_ID));
    }
}
