package io.firebreak.providers.railway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** functions.yaml's railway block: absent, incomplete (a placeholder left empty) or malformed (refused at start-up). */
class RailwayServicesTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text).path("railway");
    }

    @Test
    void aDeclarationWithItsIdsIsComplete() throws Exception {
        RailwayServices s = RailwayServices.parse(yaml("""
                railway:
                  project: p-1
                  environment: e-2
                  services:
                    - {name: api, id: s-3}
                    - {name: worker, id: "${FB_TEST_UNSET_WORKER_ID:s-4}"}
                """));
        assertEquals(Optional.empty(), s.incomplete());
        assertEquals("s-4", s.service("worker").orElseThrow().id());
    }

    @Test
    void absentOrEmptyIdsAreSkippedSayingWhichNotRefused() throws Exception {
        assertEquals(Optional.of("no railway block in functions.yaml"), RailwayServices.parse(yaml("other: 1")).incomplete());
        RailwayServices s = RailwayServices.parse(yaml("""
                railway:
                  project: ${FB_TEST_UNSET_PROJECT:}
                  environment: e-2
                  services: [{name: api, id: s-3}]
                """));
        assertEquals(Optional.of("functions.yaml railway ids are empty: FB_TEST_UNSET_PROJECT"), s.incomplete());
    }

    @Test
    void aMalformedBlockIsRefused() {
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("railway: [1]")));
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("railway: {project: p, environment: e}")));
        IllegalStateException dup = assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: p, environment: e, services: [{name: api, id: a}, {name: api, id: b}]}""")));
        assertTrue(dup.getMessage().contains("duplicate railway service api"));
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: "p; drop", environment: e, services: [{name: api, id: a}]}""")));
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: p, environment: e, services: [{name: API, id: a}]}""")));
    }

    @Test
    void theAllowListAndTheSecretsAreDeclaredWithTheirServices() throws Exception {
        RailwayServices s = RailwayServices.parse(yaml("""
                railway:
                  project: p-1
                  environment: e-2
                  services: [{name: api, id: s-3}, {name: worker, id: s-4}]
                  variables:
                    - {name: MAINTENANCE_MODE, values: ["true", "false"]}
                    - {name: XERO_CLIENT_ID, secret: true, services: [api]}
                  secrets:
                    - {name: SESSION_SECRET, bytes: 48, signOut: true}
                """));
        RailwayServices.Variable mode = s.variable("MAINTENANCE_MODE").orElseThrow();
        assertTrue(mode.allows("true") && !mode.allows("yes") && mode.on("worker"));
        RailwayServices.Variable xero = s.variable("XERO_CLIENT_ID").orElseThrow();
        assertTrue(xero.secret() && xero.on("api") && !xero.on("worker") && xero.allows("abc") && !xero.allows(""));
        RailwayServices.Secret secret = s.secret("SESSION_SECRET").orElseThrow();
        assertEquals(48, secret.bytes());
        assertTrue(secret.signOut());
        assertEquals(Optional.empty(), s.variable("SESSION_SECRET"));
    }

    @Test
    void aMalformedAllowListIsRefused() {
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: p, environment: e, services: [{name: api, id: a}], variables: [{name: lower}]}""")));
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: p, environment: e, services: [{name: api, id: a}], variables: [{name: A}], secrets: [{name: A}]}""")));
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: p, environment: e, services: [{name: api, id: a}], secrets: [{name: S, bytes: 8}]}""")));
        assertThrows(IllegalStateException.class, () -> RailwayServices.parse(yaml("""
                railway: {project: p, environment: e, services: [{name: api, id: a}], variables: [{name: A, services: [web]}]}""")));
    }
}
