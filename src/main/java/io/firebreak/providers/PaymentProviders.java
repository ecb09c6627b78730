package io.firebreak.providers;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

import io.firebreak.providers.flutterwave.FlutterwaveApi;
import io.firebreak.providers.paystack.PaystackApi;

/**
 * Asks a payment's provider what became of it (their published transaction-verify APIs): Paystack by reference (amounts in
 * minor units), Flutterwave by tx_ref (amounts in major units). Rate limits are honoured
 * (Retry-After, bounded, and shared by every caller of that provider; an optional pace per
 * provider), transient failures retried a bounded number of times, and every answer
 * — including "not found", bad keys and timeouts — comes back as a {@link ProviderVerdict}.
 */
@ApplicationScoped
public class PaymentProviders {

    public static final String PAYSTACK = "paystack";
    public static final String FLUTTERWAVE = "flutterwave";

    @Inject
    @RestClient
    PaystackApi paystack;

    @Inject
    @RestClient
    FlutterwaveApi flutterwave;

    @Inject
    ProviderCalls calls;

    @ConfigProperty(name = "paystack.secret-key")
    Optional<String> paystackKey;

    @ConfigProperty(name = "flutterwave.secret-key")
    Optional<String> flutterwaveKey;

    @ConfigProperty(name = "firebreak.providers.attempts", defaultValue = "3")
    int attempts;

    @ConfigProperty(name = "firebreak.providers.max-retry-after", defaultValue = "10s")
    Duration maxRetryAfter;

    /** Calls per second a provider allows (0: not paced; a 429 still pauses every caller). */
    @ConfigProperty(name = "firebreak.providers.paystack.max-rate", defaultValue = "0")
    double paystackRate;

    @ConfigProperty(name = "firebreak.providers.flutterwave.max-rate", defaultValue = "0")
    double flutterwaveRate;

    private final ProviderPacer pacer = new ProviderPacer(System::nanoTime);

    public Uni<ProviderVerdict> verify(String provider, String reference) {
        return attempt(provider, reference, 1);
    }

    private Uni<ProviderVerdict> attempt(String provider, String reference, int attempt) {
        return once(provider, reference).flatMap(v -> {
            boolean retry = attempt < attempts
                    && (v.outcome() == ProviderVerdict.Outcome.RATE_LIMITED
                            || (v.outcome() == ProviderVerdict.Outcome.ERROR && (v.httpStatus() >= 500 || v.httpStatus() == 0)));
            if (!retry) {
                return Uni.createFrom().item(v);
            }
            Duration wait = v.outcome() == ProviderVerdict.Outcome.RATE_LIMITED ? retryAfter(v.message())
                    : Duration.ofMillis(200L * attempt);
            if (v.outcome() == ProviderVerdict.Outcome.RATE_LIMITED) {
                pacer.pause(provider, wait);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                    .flatMap(x -> attempt(provider, reference, attempt + 1));
        });
    }

    private Uni<ProviderVerdict> once(String provider, String reference) {
        Uni<Response> call;
        switch (provider) {
            case PAYSTACK -> {
                if (paystackKey.isEmpty()) {
                    return Uni.createFrom().item(ProviderVerdict.error(provider, reference, 0, "PAYSTACK_SECRET_KEY is not set"));
                }
                call = paystack.verify(reference, "Bearer " + paystackKey.get());
            }
            case FLUTTERWAVE -> {
                if (flutterwaveKey.isEmpty()) {
                    return Uni.createFrom().item(ProviderVerdict.error(provider, reference, 0, "FLUTTERWAVE_SECRET_KEY is not set"));
                }
                call = flutterwave.verifyByReference(reference, "Bearer " + flutterwaveKey.get());
            }
            default -> {
                return Uni.createFrom().item(ProviderVerdict.error(provider, reference, 0, "unknown provider " + provider));
            }
        }
        Uni<Response> request = call;
        return pacer.slot(provider, provider.equals(PAYSTACK) ? paystackRate : flutterwaveRate)
                .flatMap(ready -> calls.call(request)).map(answer -> answer.status() == 0
                ? ProviderVerdict.error(provider, reference, 0, answer.failure())
                : read(provider, reference, answer));
    }

    ProviderVerdict read(String provider, String reference, ProviderCalls.Answer answer) {
        int status = answer.status();
        JsonNode body = answer.body();
        String message = body.path("message").asText("");
        if (status == 429) {
            return new ProviderVerdict(provider, reference, ProviderVerdict.Outcome.RATE_LIMITED, null, null, null, 429,
                    answer.retryAfter() == null ? "" : answer.retryAfter());
        }
        boolean notFound = status == 404 || (status == 400 && message.toLowerCase(Locale.ROOT).contains("not found"))
                || (status == 400 && message.toLowerCase(Locale.ROOT).contains("no transaction"));
        if (notFound) {
            return new ProviderVerdict(provider, reference, ProviderVerdict.Outcome.NOT_FOUND, null, null, null, status, message);
        }
        if (status != 200) {
            return ProviderVerdict.error(provider, reference, status, message.isBlank() ? "HTTP " + status : message);
        }
        JsonNode data = body.path("data");
        String outcome = data.path("status").asText("").toLowerCase(Locale.ROOT);
        String currency = data.path("currency").asText(null);
        Long amount = null;
        boolean invalid = false;
        // When the customer bears Paystack's fees, amount is what was charged and requested_amount what
        // the merchant asked for: the latter is what the application stored.
        JsonNode charged = provider.equals(PAYSTACK) && data.hasNonNull("requested_amount") ? data.get("requested_amount")
                : data.get("amount");
        if (charged != null && !charged.isNull() && currency != null) {
            JsonNode a = charged;
            // Paystack answers in minor units, Flutterwave in major units.
            amount = !a.isNumber() ? null : provider.equals(FLUTTERWAVE) ? minorUnits(a.decimalValue(), currency)
                    : minorUnits(a.decimalValue(), null);
            invalid = amount == null;
        }
        ProviderVerdict.Outcome o = switch (outcome) {
            case "success", "successful" -> ProviderVerdict.Outcome.SUCCESS;
            case "failed", "reversed" -> ProviderVerdict.Outcome.FAILED;
            // "The customer has not completed the transaction": not final, the payment stays pending.
            case "abandoned" -> ProviderVerdict.Outcome.ABANDONED;
            default -> ProviderVerdict.Outcome.PENDING;
        };
        return new ProviderVerdict(provider, reference, o, amount, currency,
                data.hasNonNull("id") ? data.get("id").asText() : null, 200, outcome, invalid);
    }

    /** Beyond this many minor units no real payment goes (10^15: a quadrillion kobo). */
    static final BigDecimal MAX_MINOR = BigDecimal.TEN.pow(15);

    /**
     * An amount in minor units: major units converted by the currency's own digits (NGN 2, JPY 0)
     * when a currency is given, as they are otherwise. Null for a fraction of a minor unit, a
     * negative amount or one beyond {@link #MAX_MINOR}: the provider's answer cannot be trusted.
     */
    static Long minorUnits(BigDecimal amount, String currency) {
        int digits = 0;
        if (currency != null) {
            try {
                digits = Math.max(0, Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
            } catch (IllegalArgumentException e) {
                digits = 2;
            }
        }
        BigDecimal minor = amount.movePointRight(digits);
        if (minor.signum() < 0 || minor.compareTo(MAX_MINOR) > 0 || minor.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return minor.longValueExact();
    }

    private Duration retryAfter(String header) {
        Duration d = ProviderCalls.seconds(header);
        return d == null ? Duration.ofSeconds(1) : d.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : d;
    }
}
