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

import io.firebreak.testing.FakeProviders;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.TargetData;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

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
}
