package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Twilio's Balance resource and Resend's domain API as real HTTP servers holding firebreak to their
 * published contracts (contracts/twilio, contracts/resend): the vendor accounts the shipped
 * http-checks read. The environment they hand the service is what an operator would set.
 */
public class FakeVendorAccounts implements QuarkusTestResourceLifecycleManager {

    public static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    public static final String AUTH_TOKEN = "twilio-auth-token-fb-0a1b2c3d";
    public static final String RESEND_KEY = "re_fbfake_domains_9z8y7x";
    public static final String DOMAIN_ID = "4dd369bc-aa82-4ff3-97de-514ae3000ee0";

    private static WireMockServer twilio;
    private static WireMockServer resend;
    private static ContractFilter twilioContract;
    private static ContractFilter resendContract;

    @Override
    public Map<String, String> start() {
        twilioContract = new ContractFilter("twilio", "balance");
        resendContract = new ContractFilter("resend", "domains-get");
        twilio = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(twilioContract));
        resend = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(resendContract));
        twilio.start();
        resend.start();
        return Map.of("TWILIO_API_URL", twilio.baseUrl(), "TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_AUTH_TOKEN",
                AUTH_TOKEN, "RESEND_BASE_URL", resend.baseUrl(), "RESEND_API_KEY", RESEND_KEY, "RESEND_DOMAIN_ID",
                DOMAIN_ID, "firebreak.http-checks.timeout", "1s", "firebreak.http-checks.max-bytes", "4096");
    }

    public static WireMockServer twilio() {
        return twilio;
    }

    public static WireMockServer resend() {
        return resend;
    }

    public static ContractFilter twilioContract() {
        return twilioContract;
    }

    public static ContractFilter resendContract() {
        return resendContract;
    }

    @Override
    public void stop() {
        if (twilio != null) {
            twilio.stop();
        }
        if (resend != null) {
            resend.stop();
        }
    }
}
