package io.firebreak.lambda;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Real Lambda event payloads (src/test/resources/events) sent through Quarkus' mock Lambda event
 * server, which hands them to the running handler exactly as the Lambda runtime API would.
 */
final class LambdaEvents {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MOCK_EVENT_SERVER = 8081;

    private LambdaEvents() {
    }

    /** An event file with its ${PLACEHOLDERS} filled in. */
    static ObjectNode event(String file, Map<String, String> values) {
        try (InputStream in = LambdaEvents.class.getClassLoader().getResourceAsStream("events/" + file)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (var v : values.entrySet()) {
                text = text.replace("${" + v.getKey() + "}", v.getValue());
            }
            return (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Invokes the handler with an event and returns what it answered. */
    static JsonNode invoke(JsonNode event) {
        String answer = given().port(MOCK_EVENT_SERVER).contentType(ContentType.JSON).body(event.toString())
                .post("/_lambda_").then().statusCode(200).extract().asString();
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new IllegalStateException(answer, e);
        }
    }

    /**
     * Invokes the handler with an event that must fail the invocation, and returns the error the
     * runtime reported ({"errorType","errorMessage"}: the mock event server answers it as a 500).
     */
    static JsonNode invokeFailing(JsonNode event) {
        String error = given().port(MOCK_EVENT_SERVER).contentType(ContentType.JSON).body(event.toString())
                .post("/_lambda_").then().statusCode(500).extract().asString();
        try {
            return JSON.readTree(error);
        } catch (IOException e) {
            throw new IllegalStateException(error, e);
        }
    }

    /** An API Gateway answer: its status code and its body parsed as JSON. */
    record HttpAnswer(int status, String contentType, JsonPath body) {
    }

    static HttpAnswer invokeHttp(JsonNode event) {
        JsonNode answer = invoke(event);
        return new HttpAnswer(answer.path("statusCode").asInt(), answer.path("headers").path("content-type").asText(),
                JsonPath.from(answer.path("body").asText()));
    }

    static ObjectNode withBody(ObjectNode event, String contentType, String body, boolean base64) {
        ((ObjectNode) event.get("headers")).put("content-type", contentType);
        event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        event.put("isBase64Encoded", base64);
        return event;
    }
}
