package io.firebreak.functions.verifypayment;

import java.util.Locale;

import io.quarkus.runtime.annotations.RegisterForReflection;

import io.firebreak.functions.verifypayment.Payments.Payment;
import io.firebreak.providers.ProviderVerdict;

/**
 * What a provider's verdict means for a stored payment: move it to success or failed only when the
 * provider knows it, has finished it, and agrees on amount (minor units) and currency; otherwise
 * report why and leave the row alone.
 */
@RegisterForReflection
public record PaymentDecision(String reference, String provider, String before, String after, String finding,
        long storedAmount, String storedCurrency, Long providerAmount, String providerCurrency, String providerId) {

    public boolean changes() {
        return after != null && !after.equals(before);
    }

    public static PaymentDecision of(Payment p, ProviderVerdict v) {
        String finding;
        String after = null;
        boolean same = v.amountMinor() != null && v.amountMinor() == p.amount() && v.currency() != null
                && v.currency().toUpperCase(Locale.ROOT).equals(p.currency().toUpperCase(Locale.ROOT));
        if (!"pending".equals(p.status())) {
            finding = "not_pending";
        } else {
            finding = switch (v.outcome()) {
                case SUCCESS, FAILED -> v.amountInvalid() ? "provider_amount_invalid"
                        : same ? "verified" : "amount_or_currency_mismatch";
                case PENDING -> "still_pending_at_provider";
                case ABANDONED -> "abandoned_at_provider";
                case NOT_FOUND -> "unknown_reference";
                case RATE_LIMITED -> "rate_limited";
                case ERROR -> "provider_error: " + v.message();
            };
            if (finding.equals("verified")) {
                after = v.outcome() == ProviderVerdict.Outcome.SUCCESS ? "success" : "failed";
            }
        }
        return new PaymentDecision(p.reference(), p.provider(), p.status(), after, finding, p.amount(), p.currency(),
                v.amountMinor(), v.currency(), v.providerId());
    }

    /** The part of a decision a plan pins. */
    String digestPart() {
        return reference + ":" + before + "->" + after + ":" + storedAmount + storedCurrency + ":" + providerId;
    }
}
