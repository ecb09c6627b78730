package io.firebreak.functions.paymentwebhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** Signed provider events, forged ones, and events whose claim the provider does not confirm. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
class PaymentWebhookFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void payments() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        FakeProviders.paystack().resetAll();
        FakeProviders.flutterwave().resetAll();
    }

    static String paystackEvent(String reference, long amount) {
        return "{\"event\":\"charge.success\",\"data\":{\"id\":4099260516,\"status\":\"success\",\"reference\":\""
                + reference + "\",\"amount\":" + amount + ",\"currency\":\"NGN\",\"channel\":\"card\"}}";
    }

    static String sign(String body, String key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    static ValidatableResponse post(String body, String header, String value) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (header != null) {
            request = request.header(header, value);
        }
        return request.post("/payment-webhook").then();
    }

    static void paystackSays(String reference, String status, long amount) {
        FakeProviders.paystack().stubFor(get("/transaction/verify/" + reference).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(FakeProviders.paystackBody(reference, status, amount, "NGN"))));
    }

    @Test
    void aSignedPaystackEventSettlesOnlyAfterTheProviderConfirmsAndOnlyOnce() throws Exception {
        target.payment("WH-1", "paystack", 120000, "NGN", "pending", 5);
        paystackSays("WH-1", "success", 120000);
        String body = paystackEvent("WH-1", 120000);

        post(body, "x-paystack-signature", sign(body, FakeProviders.PAYSTACK_KEY)).statusCode(200)
                .body("settled", is(true)).body("status", is("success")).body("finding", is("verified"));
        assertEquals("success", target.status("WH-1"));
        var record = ops.query("SELECT * FROM audit_records WHERE function = 'payment-webhook' ORDER BY id DESC LIMIT 1").get(0);
        assertEquals("webhook:paystack", record.get("token_id"));
        assertEquals("provider", record.get("role"));

        // The provider retries its delivery: nothing moves twice.
        post(body, "x-paystack-signature", sign(body, FakeProviders.PAYSTACK_KEY)).statusCode(200)
                .body("settled", is(false)).body("finding", is("not_pending"));
        assertEquals(1, ops.count("audit_records WHERE function = 'payment-webhook' AND action = 'apply' AND input->>'reference' = 'WH-1'"));
        assertEquals(1, ops.count("audit_records WHERE function = 'payment-webhook' AND action = 'apply-started' AND input->>'reference' = 'WH-1'"),
                "the settlement's started record committed first");
    }

    @Test
    void forgedAndMissingSignaturesAre401AndChangeNothing() throws Exception {
        target.payment("WH-2", "paystack", 5000, "NGN", "pending", 5);
        paystackSays("WH-2", "success", 5000);
        String body = paystackEvent("WH-2", 5000);
        long audits = ops.count("audit_records");

        post(body, "x-paystack-signature", sign(body, "sk_test_guessed")).statusCode(401).body("error.code", is("bad_signature"));
        post(body, "x-paystack-signature", sign(body.replace("5000", "50"), FakeProviders.PAYSTACK_KEY)).statusCode(401);
        post(body, null, null).statusCode(401).body("error.code", is("unsigned"));
        post(body, "verif-hash", "not-the-hash").statusCode(401).body("error.code", is("bad_signature"));
        // A token is no substitute for a signature.
        given().header("Authorization", Tokens.bearer(Tokens.ADMIN)).contentType(ContentType.JSON).body(body)
                .post("/payment-webhook").then().statusCode(401);

        assertEquals("pending", target.status("WH-2"));
        assertEquals(audits, ops.count("audit_records"));
    }

    @Test
    void aSignedEventTheProviderDoesNotConfirmIsNotBelieved() throws Exception {
        target.payment("WH-3", "paystack", 90000, "NGN", "pending", 5);
        paystackSays("WH-3", "success", 900);
        String body = paystackEvent("WH-3", 90000);
        post(body, "x-paystack-signature", sign(body, FakeProviders.PAYSTACK_KEY)).statusCode(200)
                .body("settled", is(false)).body("finding", is("amount_or_currency_mismatch"));
        assertEquals("pending", target.status("WH-3"));

        String unknown = paystackEvent("WH-NOPE", 1);
        post(unknown, "x-paystack-signature", sign(unknown, FakeProviders.PAYSTACK_KEY)).statusCode(200)
                .body("finding", is("unknown_payment"));
    }

    @Test
    void flutterwaveWithItsSecretHash() {
        target.payment("FLW-WH", "flutterwave", 250000, "NGN", "pending", 5);
        FakeProviders.flutterwave().stubFor(get(urlPathEqualTo("/v3/transactions/verify_by_reference"))
                .withQueryParam("tx_ref", equalTo("FLW-WH")).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(FakeProviders.flutterwaveBody("FLW-WH", "successful", "2500", "NGN"))));
        String body = "{\"event\":\"charge.completed\",\"data\":{\"id\":288200108,\"tx_ref\":\"FLW-WH\","
                + "\"amount\":2500,\"currency\":\"NGN\",\"status\":\"successful\"}}";
        post(body, "verif-hash", FakeProviders.FLUTTERWAVE_HASH).statusCode(200).body("settled", is(true));
        assertEquals("success", target.status("FLW-WH"));
        // Verified but naming no payment: answered 200 (a 4xx is re-delivered) and recorded as ignored.
        post("{\"event\":\"charge.completed\",\"data\":{}}", "verif-hash", FakeProviders.FLUTTERWAVE_HASH)
                .statusCode(200).body("action", is("ignored")).body("why", is("the event names no payment reference"));
    }

    /** Paystack sends every event type to the one URL; all but charge.success are answered 200 and recorded as ignored. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"event\":\"subscription.create\",\"data\":{\"subscription_code\":\"SUB_vsyqdmlzble3uii\",\"amount\":50000}}",
            "{\"event\":\"invoice.update\",\"data\":{\"invoice_code\":\"INV_thy2vrmj2y4ph2h\",\"amount\":50000,\"paid\":true}}",
            "{\"event\":\"refund.processed\",\"data\":{\"transaction_reference\":\"WH-9\",\"amount\":\"10000\",\"status\":\"processed\"}}",
            "{\"event\":\"charge.dispute.create\",\"data\":{\"id\":358950,\"status\":\"awaiting-merchant-feedback\"}}",
            "{\"event\":\"transfer.success\",\"data\":{\"reference\":\"WH-9\",\"amount\":30000,\"status\":\"success\"}}",
            "{\"event\":\"dedicatedaccount.assign.success\",\"data\":{\"customer\":{\"id\":100110}}}",
            "{\"event\":\"customeridentification.success\",\"data\":{\"customer_code\":\"CUS_XXXXXXXX\"}}",
            "{\"event\":\"paymentrequest.pending\",\"data\":{\"request_code\":\"PRQ_y0paeo93jh99mho\",\"metadata\":0}}",
            "{\"event\":\"charge.success\",\"data\":{\"metadata\":\"\"}}" })
    void everyVerifiedPaystackEventIsAnswered200AndOnlyACharge(String body) throws Exception {
        target.payment("WH-9", "paystack", 30000, "NGN", "pending", 5);
        long ignored = ops.count("provider_events WHERE action = 'ignored'");
        post(body, "x-paystack-signature", sign(body, FakeProviders.PAYSTACK_KEY)).statusCode(200)
                .body("action", is("ignored")).body("received", is(true));
        assertEquals(ignored + 1, ops.count("provider_events WHERE action = 'ignored'"), "recorded, with its type");
        assertEquals("pending", target.status("WH-9"), "nothing settles on an event that is not a charge");
        assertEquals(0, FakeProviders.paystack().getAllServeEvents().size(), "the provider was not even asked");
    }

    @Test
    void flutterwavesFlatLegacyPayloadAndBothSignatureFormsAreUnderstood() throws Exception {
        target.payment("FLW-OLD", "flutterwave", 250000, "NGN", "pending", 5);
        FakeProviders.flutterwave().stubFor(get(urlPathEqualTo("/v3/transactions/verify_by_reference"))
                .withQueryParam("tx_ref", equalTo("FLW-OLD")).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(FakeProviders.flutterwaveBody("FLW-OLD", "successful", "2500", "NGN"))));
        // The older webhook version: flat, txRef and "event.type" at the top, no data.
        String legacy = "{\"id\":288200108,\"txRef\":\"FLW-OLD\",\"flwRef\":\"FLW-MOCK-1\",\"amount\":2500,"
                + "\"currency\":\"NGN\",\"status\":\"successful\",\"event.type\":\"CARD_TRANSACTION\"}";
        // flutterwave-signature as the plain secret hash (one copy of the docs)...
        post(legacy, "flutterwave-signature", FakeProviders.FLUTTERWAVE_HASH).statusCode(200).body("settled", is(true))
                .body("event", is("CARD_TRANSACTION"));
        assertEquals("success", target.status("FLW-OLD"));
        // ...and as a base64 HMAC-SHA256 of the raw body (the SDKs). A transfer event names no tx_ref: ignored.
        String transfer = "{\"event\":\"transfer.completed\",\"data\":{\"id\":33286,\"reference\":\"TRF-1\",\"status\":\"SUCCESSFUL\"}}";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(FakeProviders.FLUTTERWAVE_HASH.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hmac = java.util.Base64.getEncoder().encodeToString(mac.doFinal(transfer.getBytes(StandardCharsets.UTF_8)));
        post(transfer, "flutterwave-signature", hmac).statusCode(200).body("action", is("ignored"));
        post(transfer, "flutterwave-signature", "d3Jvbmc=").statusCode(401).body("error.code", is("bad_signature"));
    }
}
