package io.firebreak.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The API tokens firebreak accepts, known only by their SHA-256 hashes (FIREBREAK_API_KEYS =
 * "role:sha256hex,..." or "role:name:sha256hex" for a person's token, so timelines and role checks
 * can name them). A presented token is hashed and compared with every entry in constant time.
 */
public final class ApiTokens {

    /** Who called: the role, a token id (a prefix of the hash) that audit records can name, and the person's name if given. */
    public record Caller(Role role, String tokenId, String name) {
        public Caller(Role role, String tokenId) {
            this(role, tokenId, null);
        }
    }

    private record Entry(Role role, byte[] hash, String tokenId, String name) {
    }

    private final List<Entry> entries;

    private ApiTokens(List<Entry> entries) {
        this.entries = entries;
    }

    public static ApiTokens parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        if (spec != null) {
            for (String item : spec.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int colon = item.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("FIREBREAK_API_KEYS entries are role:sha256hex");
                }
                Role role = Role.parse(item.substring(0, colon));
                if (role == Role.PROVIDER) {
                    throw new IllegalArgumentException("FIREBREAK_API_KEYS: providers sign their calls; no token has that role");
                }
                String rest = item.substring(colon + 1).trim();
                String name = null;
                int second = rest.lastIndexOf(':');
                if (second >= 0) {
                    name = rest.substring(0, second).trim();
                    rest = rest.substring(second + 1);
                    if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
                        throw new IllegalArgumentException("FIREBREAK_API_KEYS: a token's name is 1-64 of A-Z a-z 0-9 . _ @ -");
                    }
                }
                String hex = rest.toLowerCase(Locale.ROOT);
                if (!hex.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(
                            "FIREBREAK_API_KEYS: the " + role.id() + " entry is not a 64-character SHA-256 hex hash");
                }
                entries.add(new Entry(role, HexFormat.of().parseHex(hex), hex.substring(0, 12), name));
            }
        }
        return new ApiTokens(List.copyOf(entries));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(token);
        Entry match = null;
        // No early exit: the time taken says nothing about which entry matched, if any.
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented) && match == null) {
                match = entry;
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Caller(match.role(), match.tokenId(), match.name()));
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
