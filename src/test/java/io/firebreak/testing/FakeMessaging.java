package io.firebreak.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** WhatsApp Cloud API and Resend as real HTTP servers answering in their documented shapes. */
public class FakeMessaging implements QuarkusTestResourceLifecycleManager {

    public static final String WHATSAPP_TOKEN = "EAAfbfake-whatsapp-71c3";
    public static final String PHONE_NUMBER_ID = "106540352242922";
    public static final String RESEND_KEY = "re_fbfake_0d9e";

    private static WireMockServer whatsapp;
    /** The providers' published contracts (contracts/whatsapp, contracts/resend), enforced on every request. */
    private static ContractFilter whatsappContract;
    private static ContractFilter resendContract;
    private static WireMockServer resend;

    @Override
    public Map<String, String> start() {
        whatsappContract = new ContractFilter("whatsapp", "messages-template");
        whatsapp = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(whatsappContract));
        resendContract = new ContractFilter("resend", "emails-send");
        resend = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(resendContract));
        whatsapp.start();
        resend.start();
        return Map.ofEntries(Map.entry("quarkus.rest-client.whatsapp.url", whatsapp.baseUrl()),
                Map.entry("quarkus.rest-client.resend.url", resend.baseUrl()),
                Map.entry("whatsapp.token", WHATSAPP_TOKEN), Map.entry("whatsapp.phone-number-id", PHONE_NUMBER_ID),
                Map.entry("resend.api-key", RESEND_KEY), Map.entry("notify.email-from", "status@firebreak.example"),
                // Fast retries, so a test sees the backoff without waiting half a minute.
                Map.entry("firebreak.notify.backoff", "200ms"), Map.entry("firebreak.notify.max-attempts", "3"));
    }

    public static ContractFilter whatsappContract() {
        return whatsappContract;
    }

    public static ContractFilter resendContract() {
        return resendContract;
    }

    public static WireMockServer whatsapp() {
        return whatsapp;
    }

    /** Forgets earlier requests; Resend accepts every email as its API documents. */
    public static void acceptEmail() {
        resend.resetAll();
        resend.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/emails").willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\"}")));
    }

    public static WireMockServer resend() {
        return resend;
    }

    @Override
    public void stop() {
        if (whatsapp != null) {
            whatsapp.stop();
            resend.stop();
        }
    }
}
