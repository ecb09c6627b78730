package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Paystack and Flutterwave as real HTTP servers answering in their documented shapes
 * (shared/reference/providers.md); tests stub each reference's answer, failures included.
 */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    public static final String PAYSTACK_KEY = "sk_test_fbfake_4b1d";
    public static final String FLUTTERWAVE_KEY = "FLWSECK_TEST-fbfake-9c2e";
    public static final String FLUTTERWAVE_HASH = "fb-flw-webhook-hash-51d0";

    private static WireMockServer paystack;
    /** Paystack's and Flutterwave's published contracts (contracts/paystack, contracts/flutterwave), enforced. */
    private static ContractFilter paystackContract;
    private static ContractFilter flutterwaveContract;
    private static WireMockServer flutterwave;

    @Override
    public Map<String, String> start() {
        paystackContract = new ContractFilter("paystack", "verify");
        paystack = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(paystackContract));
        flutterwaveContract = new ContractFilter("flutterwave", "verify");
        flutterwave = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(flutterwaveContract));
        paystack.start();
        flutterwave.start();
        return Map.ofEntries(Map.entry("quarkus.rest-client.paystack.url", paystack.baseUrl()),
                Map.entry("quarkus.rest-client.flutterwave.url", flutterwave.baseUrl()),
                Map.entry("paystack.secret-key", PAYSTACK_KEY), Map.entry("flutterwave.secret-key", FLUTTERWAVE_KEY),
                Map.entry("flutterwave.webhook-hash", FLUTTERWAVE_HASH),
                Map.entry("firebreak.providers.timeout", "1s"), Map.entry("firebreak.providers.max-retry-after", "2s"));
    }

    public static ContractFilter paystackContract() {
        return paystackContract;
    }

    public static ContractFilter flutterwaveContract() {
        return flutterwaveContract;
    }

    public static WireMockServer paystack() {
        return paystack;
    }

    public static WireMockServer flutterwave() {
        return flutterwave;
    }

    /** Paystack's 200 verify body for a reference. */
    public static String paystackBody(String reference, String status, long amountKobo, String currency) {
        return """
                {"status":true,"message":"Verification successful","data":{"id":4099260516,"domain":"live",
                 "status":"%s","reference":"%s","amount":%d,"currency":"%s","gateway_response":"Successful",
                 "paid_at":"2026-11-23T09:02:11.000Z","created_at":"2026-11-23T09:01:44.000Z","channel":"card",
                 "customer":{"email":"ada@example.com","customer_code":"CUS_xnxdt6s1zg1f4nx"}}}"""
                .formatted(status, reference, amountKobo, currency);
    }

    /** Flutterwave's 200 verify body: amount in major units. */
    public static String flutterwaveBody(String reference, String status, String amountMajor, String currency) {
        return """
                {"status":"success","message":"Transaction fetched successfully","data":{"id":288200108,
                 "tx_ref":"%s","flw_ref":"FLW-MOCK-7f2a","amount":%s,"currency":"%s","charged_amount":%s,
                 "status":"%s","payment_type":"card","created_at":"2026-11-23T09:01:44.000Z"}}"""
                .formatted(reference, amountMajor, currency, amountMajor, status);
    }

    @Override
    public void stop() {
        if (paystack != null) {
            paystack.stop();
            flutterwave.stop();
        }
    }
}
