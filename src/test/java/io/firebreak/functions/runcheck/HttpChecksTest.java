package io.firebreak.functions.runcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** What an http-checks entry may declare: refused at start-up when it could call anywhere or judge nothing. */
class HttpChecksTest {

    static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    static HttpCheck parse(String extra) throws Exception {
        return HttpChecks.check(yaml("""
                name: vendor
                description: a vendor
                severity: P2
                pointer: /value
                """ + extra));
    }

    @Test
    void aWellFormedCheckParses() throws Exception {
        HttpCheck c = parse("url: https://api.example.com/v1/balance\nbelow: 5\nauth: {env: EXAMPLE_TOKEN}\n");
        assertEquals("https://api.example.com/v1/balance", c.url().toString());
        assertEquals("bearer", c.auth().scheme());
        assertEquals("below 5", c.rule().describe());
        assertTrue(c.scheduled());
    }

    @Test
    void aPlaceholderWithoutAValueLeavesTheCheckUnconfiguredNotRefused() throws Exception {
        HttpCheck c = parse("url: https://api.example.com/accounts/${FIREBREAK_TEST_UNSET_ACCOUNT}\nexpect: ok\n");
        assertFalse(c.configured());
        assertNull(c.url());
        assertEquals(List.of("FIREBREAK_TEST_UNSET_ACCOUNT"), c.missing());
        assertEquals(List.of("FIREBREAK_TEST_UNSET_ACCOUNT"), HttpCheckRunner.missing(c));
    }

    @Test
    void whatCouldCallAnywhereOrJudgeNothingIsRefused() {
        assertThrows(IllegalStateException.class, () -> parse("url: http://api.example.com/x\nbelow: 5\n"), "plain http");
        assertThrows(IllegalStateException.class, () -> parse("url: https://user:pw@api.example.com/x\nbelow: 5\n"),
                "user info in the URL");
        assertThrows(IllegalStateException.class, () -> parse("url: https://api.example.com/x\n"), "no rule");
        assertThrows(IllegalStateException.class, () -> parse("url: https://api.example.com/x\nbelow: 5\nabove: 9\n"),
                "two rules");
        assertThrows(IllegalStateException.class, () -> parse("url: https://api.example.com/x\nbelow: low\n"),
                "a rule that is no number");
        assertThrows(IllegalStateException.class, () -> parse("url: https://api.example.com/x\nexpect: ok\n"
                + "auth: {scheme: Basic, env: PASSWORD}\n"), "Basic without its user");
        assertThrows(IllegalStateException.class, () -> parse("url: https://api.example.com/x\nexpect: ok\n"
                + "auth: {scheme: Digest, env: PASSWORD}\n"), "an unknown scheme");
        assertThrows(IllegalStateException.class, () -> HttpChecks.check(yaml("""
                name: vendor
                description: a vendor
                severity: P2
                pointer: value
                url: https://api.example.com/x
                expect: ok
                """)), "a pointer that is no JSON pointer");
    }
}
