package io.firebreak.functions.verifypayment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

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

/** Seed 000 "Payment stuck in pending" against real HTTP fakes of Paystack and Flutterwave, failures included. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeProviders.class)
class VerifyPaymentFunctionTest {

    @TestDatabases.Inject
    TestDatabases db;

    TargetData target;
    OpsRecords ops;

    @BeforeEach
    void stuckPayments() {
        target = new TargetData(db.target());
        ops = new OpsRecords(db.ops());
        target.reset();
        target.tenants(1);
        FakeProviders.paystack().resetAll();
        FakeProviders.flutterwave().resetAll();
    }

    static ValidatableResponse call(String body) {
        return given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON).body(body)
                .post("/verify-payment").then();
    }

    static void paystack(String reference, int status, String body) {
        FakeProviders.paystack().stubFor(get("/transaction/verify/" + reference)
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    static void flutterwave(String reference, int status, String body) {
        FakeProviders.flutterwave().stubFor(get(urlPathEqualTo("/v3/transactions/verify_by_reference"))
                .withQueryParam("tx_ref", equalTo(reference))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    ValidatableResponse apply(String reference, String planId) {
        return call("{\"reference\":\"" + reference + "\",\"apply\":true,\"planId\":\"" + planId
                + "\",\"reason\":\"customer says paid\"}");
    }

    @Test
    void paystackSuccessWithMatchingAmountIsPlannedThenSettledAndAudited() {
        target.payment("PSK-1001", "paystack", 500000, "NGN", "pending", 90);
        paystack("PSK-1001", 200, FakeProviders.paystackBody("PSK-1001", "success", 500000, "NGN"));

        String planId = call("{\"reference\":\"PSK-1001\"}").statusCode(200)
                .body("planId", notNullValue())
                .body("changes.before", is("pending")).body("changes.after", is("success"))
                .body("changes.finding", is("verified"))
                .body("changes.providerId", is("4099260516"))
                .extract().path("planId");
        assertEquals("pending", target.status("PSK-1001"), "the dry run changed nothing");

        apply("PSK-1001", planId).statusCode(200).body("applied", is(true)).body("status", is("success"));
        assertEquals("success", target.status("PSK-1001"));
        var record = ops.query("SELECT * FROM audit_records WHERE function = 'verify-payment' ORDER BY id DESC LIMIT 1").get(0);
        assertEquals("[\"4099260516\"]", record.get("external_ids").toString());
        assertEquals(1, record.get("rows_affected"));
        assertEquals("customer says paid", record.get("reason"));
        FakeProviders.paystack().verify(getRequestedFor(urlPathEqualTo("/transaction/verify/PSK-1001"))
                .withHeader("Authorization", equalTo("Bearer " + FakeProviders.PAYSTACK_KEY)));
    }

    @Test
    void aSettlementCanBeUndoneOnce() {
        target.payment("PSK-UNDO", "paystack", 4200, "NGN", "pending", 90);
        paystack("PSK-UNDO", 200, FakeProviders.paystackBody("PSK-UNDO", "success", 4200, "NGN"));
        String planId = call("{\"reference\":\"PSK-UNDO\"}").statusCode(200).extract().path("planId");
        int auditId = apply("PSK-UNDO", planId).statusCode(200).extract().path("auditId");

        String undoPlan = given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + "}").post("/undo").then().statusCode(200)
                .body("changes.moves[0].reference", is("PSK-UNDO")).body("changes.moves[0].after", is("pending"))
                .extract().path("planId");
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + ",\"apply\":true,\"planId\":\"" + undoPlan
                        + "\",\"reason\":\"settled by mistake\"}")
                .post("/undo").then().statusCode(200).body("paymentsReopened", is(1));
        assertEquals("pending", target.status("PSK-UNDO"));
        given().header("Authorization", Tokens.bearer(Tokens.RESPONDER)).contentType(ContentType.JSON)
                .body("{\"auditId\":" + auditId + "}").post("/undo").then().statusCode(409)
                .body("error.code", is("already_undone"));
    }

    @Test
    void flutterwaveAnswersInMajorUnits() {
        target.payment("FLW-77", "flutterwave", 500050, "NGN", "pending", 120);
        flutterwave("FLW-77", 200, FakeProviders.flutterwaveBody("FLW-77", "successful", "5000.50", "NGN"));
        String planId = call("{\"reference\":\"FLW-77\"}").statusCode(200)
                .body("changes.providerAmount", is(500050)).body("changes.after", is("success"))
                .extract().path("planId");
        apply("FLW-77", planId).statusCode(200);
        assertEquals("success", target.status("FLW-77"));

        target.payment("FLW-78", "flutterwave", 500000, "NGN", "pending", 120);
        flutterwave("FLW-78", 200, FakeProviders.flutterwaveBody("FLW-78", "failed", "5000", "NGN"));
        String failed = call("{\"reference\":\"FLW-78\"}").statusCode(200).body("changes.after", is("failed"))
                .extract().path("planId");
        apply("FLW-78", failed).statusCode(200);
        assertEquals("failed", target.status("FLW-78"));
    }

    @Test
    void mismatchesUnknownReferencesAndProviderErrorsAreReportedAndChangeNothing() {
        target.payment("PSK-AMT", "paystack", 500000, "NGN", "pending", 90);
        paystack("PSK-AMT", 200, FakeProviders.paystackBody("PSK-AMT", "success", 5000, "NGN"));
        call("{\"reference\":\"PSK-AMT\"}").statusCode(200).body("planId", nullValue())
                .body("changes.finding", is("amount_or_currency_mismatch"));

        target.payment("PSK-CUR", "paystack", 500000, "NGN", "pending", 90);
        paystack("PSK-CUR", 200, FakeProviders.paystackBody("PSK-CUR", "success", 500000, "GHS"));
        call("{\"reference\":\"PSK-CUR\"}").statusCode(200).body("changes.finding", is("amount_or_currency_mismatch"));

        target.payment("PSK-404", "paystack", 100, "NGN", "pending", 90);
        paystack("PSK-404", 404, "{\"status\":false,\"message\":\"Entity not found\"}");
        call("{\"reference\":\"PSK-404\"}").statusCode(200).body("changes.finding", is("unknown_reference"));

        target.payment("PSK-400", "paystack", 100, "NGN", "pending", 90);
        paystack("PSK-400", 400, "{\"status\":false,\"message\":\"Transaction reference not found\"}");
        call("{\"reference\":\"PSK-400\"}").statusCode(200).body("changes.finding", is("unknown_reference"));

        target.payment("FLW-404", "flutterwave", 100, "NGN", "pending", 90);
        flutterwave("FLW-404", 400, "{\"status\":\"error\",\"message\":\"No transaction was found for this id\",\"data\":null}");
        call("{\"reference\":\"FLW-404\"}").statusCode(200).body("changes.finding", is("unknown_reference"));

        target.payment("PSK-KEY", "paystack", 100, "NGN", "pending", 90);
        paystack("PSK-KEY", 401, "{\"status\":false,\"message\":\"Invalid key\"}");
        call("{\"reference\":\"PSK-KEY\"}").statusCode(200).body("changes.finding", is("provider_error: Invalid key"));
        assertEquals(1, FakeProviders.paystack().findAll(getRequestedFor(urlPathEqualTo("/transaction/verify/PSK-KEY"))).size(),
                "a bad key is not retried");

        target.payment("PSK-PEND", "paystack", 100, "NGN", "pending", 90);
        paystack("PSK-PEND", 200, FakeProviders.paystackBody("PSK-PEND", "ongoing", 100, "NGN"));
        call("{\"reference\":\"PSK-PEND\"}").statusCode(200).body("changes.finding", is("still_pending_at_provider"));

        for (String ref : new String[] { "PSK-AMT", "PSK-CUR", "PSK-404", "PSK-400", "FLW-404", "PSK-KEY", "PSK-PEND" }) {
            assertEquals("pending", target.status(ref), ref + " unchanged");
        }
    }

    @Test
    void rateLimitsAreHonouredAndFiveHundredsAndTimeoutsRetriedThenReported() {
        target.payment("PSK-429", "paystack", 700, "NGN", "pending", 90);
        FakeProviders.paystack().stubFor(get("/transaction/verify/PSK-429").inScenario("limit")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"status\":false,\"message\":\"Too many requests\"}")));
        FakeProviders.paystack().stubFor(get("/transaction/verify/PSK-429").inScenario("limit").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(FakeProviders.paystackBody("PSK-429", "success", 700, "NGN"))));
        long start = System.nanoTime();
        call("{\"reference\":\"PSK-429\"}").statusCode(200).body("changes.finding", is("verified"));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertFalse(waitedMs < 1000, "waited the Retry-After second (" + waitedMs + " ms)");

        target.payment("PSK-500", "paystack", 700, "NGN", "pending", 90);
        paystack("PSK-500", 503, "upstream unavailable");
        call("{\"reference\":\"PSK-500\"}").statusCode(200).body("changes.finding", startsWith("provider_error"));
        assertEquals(3, FakeProviders.paystack().findAll(getRequestedFor(urlPathEqualTo("/transaction/verify/PSK-500"))).size(),
                "5xx retried up to the attempt bound");

        target.payment("PSK-SLOW", "paystack", 700, "NGN", "pending", 90);
        FakeProviders.paystack().stubFor(get("/transaction/verify/PSK-SLOW").willReturn(aResponse().withStatus(200)
                .withFixedDelay(3000).withBody(FakeProviders.paystackBody("PSK-SLOW", "success", 700, "NGN"))));
        call("{\"reference\":\"PSK-SLOW\"}").statusCode(200).body("changes.finding", startsWith("provider_error: no answer"));
        assertEquals("pending", target.status("PSK-SLOW"));
    }

    @Test
    void aVerdictThatChangedSinceTheDryRunIsAStalePlan() {
        target.payment("PSK-FLIP", "paystack", 900, "NGN", "pending", 90);
        paystack("PSK-FLIP", 200, FakeProviders.paystackBody("PSK-FLIP", "success", 900, "NGN"));
        String planId = call("{\"reference\":\"PSK-FLIP\"}").statusCode(200).extract().path("planId");
        paystack("PSK-FLIP", 200, FakeProviders.paystackBody("PSK-FLIP", "reversed", 900, "NGN"));
        apply("PSK-FLIP", planId).statusCode(409).body("error.code", is("stale_plan"));
        assertEquals("pending", target.status("PSK-FLIP"));
    }

    @Test
    void aSweepByHandPlansEveryStuckPaymentAndSettlesOnlyTheConfirmedOnes() {
        target.payment("SW-1", "paystack", 1000, "NGN", "pending", 120);
        target.payment("SW-2", "flutterwave", 2500, "NGN", "pending", 90);
        target.payment("SW-3", "paystack", 3000, "NGN", "pending", 61);
        target.payment("SW-NEW", "paystack", 3000, "NGN", "pending", 5);
        paystack("SW-1", 200, FakeProviders.paystackBody("SW-1", "success", 1000, "NGN"));
        flutterwave("SW-2", 200, FakeProviders.flutterwaveBody("SW-2", "successful", "25", "NGN"));
        paystack("SW-3", 200, FakeProviders.paystackBody("SW-3", "success", 30, "NGN"));

        String planId = call("{\"sweep\":true}").statusCode(200)
                .body("rows", is(2))
                .body("changes.checked", is(3))
                .body("changes.moves.reference", is(java.util.List.of("SW-1", "SW-2")))
                .body("changes.findings.verified", is(2))
                .body("changes.findings.amount_or_currency_mismatch", is(1))
                .extract().path("planId");
        assertEquals("pending", target.status("SW-1"), "the dry run changed nothing");

        call("{\"sweep\":true,\"apply\":true,\"planId\":\"" + planId + "\",\"reason\":\"stuck since 08:00\"}")
                .statusCode(200).body("settled", is(2));
        assertEquals("success", target.status("SW-1"));
        assertEquals("success", target.status("SW-2"));
        assertEquals("pending", target.status("SW-3"), "a mismatch is left for a human");
        assertEquals("pending", target.status("SW-NEW"), "under an hour old: not stuck yet");
        call("{\"sweep\":true,\"reference\":\"SW-1\"}").statusCode(400).body("error.field", is("sweep"));
    }

    @Test
    void badInputAndUnknownPayments() {
        call("{}").statusCode(400).body("error.field", is("reference"));
        call("{\"reference\":\"" + "x".repeat(201) + "\"}").statusCode(400).body("error.field", is("reference"));
        call("{\"reference\":\"NOPE\"}").statusCode(404).body("error.code", is("unknown_payment"));
        call("{\"reference\":\"x\",\"apply\":\"yes\"}").statusCode(400).body("error.field", is("apply"));
    }

    @Test
    void providerSecretsNeverReachTheLog() throws Exception {
        target.payment("PSK-LOG", "paystack", 1, "NGN", "pending", 90);
        paystack("PSK-LOG", 401, "{\"status\":false,\"message\":\"Invalid key\"}");
        call("{\"reference\":\"PSK-LOG\"}").statusCode(200);
        String log = Files.readString(Path.of("target/quarkus-test.log"));
        assertFalse(log.contains(FakeProviders.PAYSTACK_KEY));
        assertFalse(log.contains(FakeProviders.FLUTTERWAVE_KEY));
    }

    @Test
    void anAmountNoPaymentCouldHaveIsAFindingOnThatPaymentOnly() {
        target.payment("AMT-OK", "paystack", 500000, "NGN", "pending", 90);
        target.payment("AMT-HUGE", "paystack", 500000, "NGN", "pending", 90);
        target.payment("AMT-FRACTION", "paystack", 50000, "NGN", "pending", 90);
        target.payment("AMT-FLW", "flutterwave", 500000, "NGN", "pending", 90);
        paystack("AMT-OK", 200, FakeProviders.paystackBody("AMT-OK", "success", 500000, "NGN"));
        paystack("AMT-HUGE", 200, FakeProviders.paystackBody("AMT-HUGE", "success", 500000, "NGN").replace("500000", "1e30"));
        // 50000.9 kobo: a fraction of a minor unit must not be truncated into a match.
        paystack("AMT-FRACTION", 200, FakeProviders.paystackBody("AMT-FRACTION", "success", 50000, "NGN")
                .replace("\"amount\":50000", "\"amount\":50000.9"));
        flutterwave("AMT-FLW", 200, FakeProviders.flutterwaveBody("AMT-FLW", "successful", "1e30", "NGN"));
        call("{\"sweep\":true}").statusCode(200)
                .body("changes.findings.provider_amount_invalid", is(3))
                .body("changes.findings.verified", is(1))
                .body("changes.moves.size()", is(1))
                .body("changes.moves[0].reference", is("AMT-OK"));
        call("{\"reference\":\"AMT-FRACTION\"}").statusCode(200).body("changes.finding", is("provider_amount_invalid"))
                .body("planId", nullValue());
    }

    @Test
    void aFeeBearingPaystackPaymentMatchesOnWhatWasRequestedAndAbandonedIsNotFinal() {
        // Paystack's own verify sample: the customer bore the fees, so amount (charged) is 40333 and
        // requested_amount (what the application asked for, and stored) is 30050.
        target.payment("FEE-1", "paystack", 30050, "NGN", "pending", 90);
        paystack("FEE-1", 200, FakeProviders.paystackBody("FEE-1", "success", 40333, "NGN")
                .replace("\"amount\":40333", "\"amount\":40333,\"requested_amount\":30050,\"fees\":10283"));
        call("{\"reference\":\"FEE-1\"}").statusCode(200).body("changes.finding", is("verified"))
                .body("changes.after", is("success"));
        // "The customer has not completed the transaction": the payment stays pending, with why.
        target.payment("ABN-1", "paystack", 5000, "NGN", "pending", 90);
        paystack("ABN-1", 200, FakeProviders.paystackBody("ABN-1", "abandoned", 5000, "NGN"));
        call("{\"reference\":\"ABN-1\"}").statusCode(200).body("changes.finding", is("abandoned_at_provider"))
                .body("planId", nullValue());
        assertEquals("pending", target.status("ABN-1"));
    }
}
