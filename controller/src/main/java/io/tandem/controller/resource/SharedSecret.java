package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.RetCode;
import java.security.SecureRandom;
import java.util.Map;

/**
 * The secret the replicas of one resource definition prove to each other before they replicate
 * (REPLICATION.md, peer handshake). Generated as LINSTOR does: 20 random letters and digits.
 */
final class SharedSecret {
    static final int GENERATED_LENGTH = 20;
    /** DRBD's limit for {@code shared-secret}; the engine keeps it. */
    static final int MAX_LENGTH = 64;

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SharedSecret() {
    }

    static String generate() {
        StringBuilder secret = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    /** A secret given by the client: 1 to 64 printable ASCII characters without blanks. */
    static String validate(String secret, Map<String, String> refs) {
        String problem = null;
        if (secret.isEmpty() || secret.length() > MAX_LENGTH) {
            problem = "A shared secret has 1 to %d characters, this one has %d.".formatted(MAX_LENGTH,
                    secret.length());
        } else if (!secret.chars().allMatch(c -> c > ' ' && c < 127)) {
            problem = "A shared secret consists of printable ASCII characters without blanks.";
        }
        if (problem != null) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_PROP, "Invalid drbd_secret.", problem,
                    "Send another secret, or leave drbd_secret out and one is generated.", refs);
        }
        return secret;
    }
}
