package io.firebreak.testing;

import io.firebreak.platform.ApiTokens;

/** The API tokens tests call with; the service is configured with their hashes only. */
public final class Tokens {

    public static final String MONITOR = "fbt_monitor_9f2c41d7a0";
    public static final String RESPONDER = "fbt_responder_51be07c3d2";
    public static final String ADMIN = "fbt_admin_c7d4e9a813";
    /** Two engineers' own tokens (responder), named so the timeline and the commander check can name them. */
    public static final String ADA = "fbt_ada_3e81f0c2b7";
    public static final String BOLA = "fbt_bola_94d2a6e150";
    /** A responder who holds no role on the test incidents: a stranger to an approval. */
    public static final String CY = "fbt_cy_6a0d2f81c4";

    private Tokens() {
    }

    public static String apiKeys() {
        return "monitor:" + ApiTokens.sha256Hex(MONITOR) + ",responder:" + ApiTokens.sha256Hex(RESPONDER)
                + ",admin:" + ApiTokens.sha256Hex(ADMIN) + ",responder:ada:" + ApiTokens.sha256Hex(ADA)
                + ",responder:bola:" + ApiTokens.sha256Hex(BOLA) + ",responder:cy:" + ApiTokens.sha256Hex(CY);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
