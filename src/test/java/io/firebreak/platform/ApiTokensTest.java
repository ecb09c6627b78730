package io.firebreak.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiTokensTest {

    @Test
    void knowsTokensOnlyByTheirHash() {
        ApiTokens tokens = ApiTokens.parse(" monitor:" + ApiTokens.sha256Hex("m-token") + ", ADMIN:"
                + ApiTokens.sha256Hex("a-token").toUpperCase() + ",");
        assertEquals(Role.MONITOR, tokens.authenticate("m-token").orElseThrow().role());
        assertEquals(Role.ADMIN, tokens.authenticate("a-token").orElseThrow().role());
        assertEquals(ApiTokens.sha256Hex("a-token").substring(0, 12), tokens.authenticate("a-token").orElseThrow().tokenId());
        assertTrue(tokens.authenticate("m-token ").isEmpty());
        assertTrue(tokens.authenticate(ApiTokens.sha256Hex("m-token")).isEmpty(), "the hash itself is not a token");
        assertTrue(tokens.authenticate(null).isEmpty());
    }

    @Test
    void refusesMalformedConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse("monitor:plaintext-token"));
        assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse("root:" + ApiTokens.sha256Hex("x")));
        assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse(ApiTokens.sha256Hex("x")));
        assertTrue(ApiTokens.parse("").isEmpty());
    }

    @Test
    void rolesAreRanked() {
        assertTrue(Role.ADMIN.permits(Role.RESPONDER));
        assertTrue(Role.RESPONDER.permits(Role.MONITOR));
        assertTrue(!Role.MONITOR.permits(Role.RESPONDER));
    }
}
