package io.firebreak.providers;

/**
 * What a payment provider says about one reference, in one shape whatever the provider: its
 * outcome, the amount in minor units (Flutterwave answers in major units; converted), the
 * currency, the provider's own id, and for errors the HTTP status and message. An amount that is no
 * whole number of minor units, or beyond any real payment, is kept out ({@link #amountInvalid()}).
 */
public record ProviderVerdict(String provider, String reference, Outcome outcome, Long amountMinor, String currency,
        String providerId, int httpStatus, String message, boolean amountInvalid) {

    public ProviderVerdict(String provider, String reference, Outcome outcome, Long amountMinor, String currency,
            String providerId, int httpStatus, String message) {
        this(provider, reference, outcome, amountMinor, currency, providerId, httpStatus, message, false);
    }

    /** The provider's answer, reduced to what firebreak acts on. */
    public enum Outcome {
        SUCCESS, FAILED, PENDING, ABANDONED, NOT_FOUND, RATE_LIMITED, ERROR
    }

    public static ProviderVerdict error(String provider, String reference, int status, String message) {
        return new ProviderVerdict(provider, reference, Outcome.ERROR, null, null, null, status, message);
    }
}
