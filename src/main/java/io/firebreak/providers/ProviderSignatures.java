package io.firebreak.providers;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks that a webhook came from the provider it claims (their published webhook documentation): Paystack signs the raw
 * body with HMAC-SHA512 and the secret key (x-paystack-signature, lower-case hex); Flutterwave
 * sends the dashboard's secret hash (verif-hash) or, newer, flutterwave-signature: a base64
 * HMAC-SHA256 of the body, or the secret hash itself (sources disagree: both are accepted). Every
 * comparison is constant-time.
 */
@ApplicationScoped
public class ProviderSignatures {

    @ConfigProperty(name = "paystack.secret-key")
    Optional<String> paystackKey;

    @ConfigProperty(name = "flutterwave.webhook-hash")
    Optional<String> flutterwaveHash;

    /** Who signed a webhook, or why it is refused: {@code unsigned} (no signature header) or {@code bad_signature}. */
    public record Verdict(String provider, String refusal) {
        static final Verdict UNSIGNED = new Verdict(null, "unsigned");
        static final Verdict BAD = new Verdict(null, "bad_signature");

        public boolean signed() {
            return provider != null;
        }
    }

    /** The provider whose signature the call carries, or the refusal. */
    public Verdict verify(Map<String, String> headers, byte[] body) {
        byte[] raw = body == null ? new byte[0] : body;
        String paystack = headers.get("x-paystack-signature");
        if (paystack != null) {
            if (paystackKey.isPresent() && equal(hex(hmac("HmacSHA512", paystackKey.get(), raw)),
                    paystack.trim().toLowerCase(Locale.ROOT))) {
                return new Verdict("paystack", null);
            }
            return Verdict.BAD;
        }
        String verifHash = headers.get("verif-hash");
        if (verifHash != null) {
            if (flutterwaveHash.isPresent() && equal(flutterwaveHash.get(), verifHash.trim())) {
                return new Verdict("flutterwave", null);
            }
            return Verdict.BAD;
        }
        String signature = headers.get("flutterwave-signature");
        if (signature != null) {
            // Public material conflicts: the plain secret hash in one copy of the docs, a base64
            // HMAC-SHA256 of the raw body in the SDKs. Both are accepted, each compared in constant time.
            if (flutterwaveHash.isPresent() && (equal(Base64.getEncoder().encodeToString(
                    hmac("HmacSHA256", flutterwaveHash.get(), raw)), signature.trim())
                    | equal(flutterwaveHash.get(), signature.trim()))) {
                return new Verdict("flutterwave", null);
            }
            return Verdict.BAD;
        }
        return Verdict.UNSIGNED;
    }

    /** Two texts compared in constant time (signatures, tokens). */
    public static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of a text under a key, in hex: webhook signatures firebreak makes and checks. */
    public static String hmacSha256Hex(String key, String text) {
        return hex(hmac("HmacSHA256", key, text.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] hmac(String algorithm, String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
