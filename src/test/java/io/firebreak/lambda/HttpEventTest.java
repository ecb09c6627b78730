package io.firebreak.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.firebreak.functions.FunctionError;

class HttpEventTest {

    static HttpEvent at(String rawPath) {
        return new HttpEvent("GET", rawPath, Map.of(), Map.of(), null);
    }

    @Test
    void anExportedLambdaServesItsFunctionAtItsRouteOrItsFunctionUrlRoot() {
        assertEquals("confirm-outage", at("/confirm-outage").functionId("confirm-outage"));
        assertEquals("confirm-outage", at("/").functionId("confirm-outage"));
        assertEquals("confirm-outage", at("/prod/confirm-outage/").functionId("confirm-outage"));
        FunctionError refused = assertThrows(FunctionError.class, () -> at("/monitor-alert").functionId("confirm-outage"));
        assertEquals(404, refused.status());
    }

    @Test
    void withoutAnExportThePathNamesTheFunction() {
        assertEquals("get-incident", at("/get-incident").functionId(null));
        assertEquals("", at("/").functionId(""));
    }
}
