package io.firebreak.functions.paymentwebhook;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.firebreak.functions.FunctionError;
import io.firebreak.functions.verifypayment.VerifyPaymentFlow;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/** Takes signed Paystack and Flutterwave webhooks and settles the payment only after asking the provider again. */
public class PaymentWebhookFunction {

    @Inject
    VerifyPaymentFlow flow;

    @Funq("payment-webhook")
    public Uni<JsonNode> paymentWebhook(PaymentWebhookInput input) {
        if (input == null || input.getData() == null) {
            throw FunctionError.badInput("missing_field", "data", "a provider event carries data");
        }
        // Admission verified the signature and named the provider as the actor.
        String provider = input.getActor().tokenId().substring("webhook:".length());
        Object reference = input.getData().get(provider.equals("paystack") ? "reference" : "tx_ref");
        if (!(reference instanceof String ref) || ref.isBlank() || ref.length() > 200) {
            throw FunctionError.badInput("missing_field", provider.equals("paystack") ? "data.reference" : "data.tx_ref",
                    "the event names no payment reference");
        }
        return flow.webhook(provider, ref, input.getEvent(), input.getActor());
    }
}
