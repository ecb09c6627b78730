package io.firebreak.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.FunctionError;

class HttpEventTest {

    static HttpEvent at(String rawPath) {
        return new HttpEvent("GET", rawPath, Map.of(), Map.of(), null, null);
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

    @Test
    void aPayloadTwoEventReadsAsApiGatewaySendsIt() throws Exception {
        // As API Gateway (HTTP API) posts it: lower-case headers, cookies apart, a repeated query key
        // (kept repeated in rawQueryString, comma-joined in queryStringParameters), a base64 body.
        String body = java.util.Base64.getEncoder().encodeToString("monitorID=79&alertType=1".getBytes());
        var event = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"version":"2.0","routeKey":"POST /monitor-alert","rawPath":"/monitor-alert",
                 "rawQueryString":"token=t1&token=t2&x=a%%20b","cookies":["session=abc"],
                 "headers":{"content-type":"application/x-www-form-urlencoded","x-forwarded-for":"1.2.3.4,5.6.7.8",
                            "authorization":"Bearer abc"},
                 "queryStringParameters":{"token":"t1,t2","x":"a b"},
                 "requestContext":{"http":{"method":"POST","path":"/monitor-alert","protocol":"HTTP/1.1",
                                           "sourceIp":"1.2.3.4","userAgent":"UptimeRobot/2.0"}},
                 "body":"%s","isBase64Encoded":true}""".formatted(body));
        HttpEvent http = HttpEvent.of(event);
        assertEquals("POST", http.method());
        assertEquals("t1", http.query().get("token"), "the first of a repeated key, as every binding reads it");
        assertEquals("a b", http.query().get("x"));
        assertEquals("Bearer abc", http.headers().get("authorization"));
        assertEquals("monitorID=79&alertType=1", new String(http.body()));
    }
}
