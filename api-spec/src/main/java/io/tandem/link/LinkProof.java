package io.tandem.link;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Challenge–response proofs of the cluster secret: each side proves it knows the secret by an
 * HMAC-SHA256 over both nonces and its role, so the secret never crosses the wire and a proof
 * cannot be replayed on another connection or reflected back as the other role.
 */
public final class LinkProof {
    public static final String ROLE_CONTROLLER = "controller";
    public static final String ROLE_SATELLITE = "satellite";

    private static final SecureRandom RANDOM = new SecureRandom();

    private LinkProof() {
    }

    public static String newNonce() {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** A new random cluster secret, as a controller generates on first start. */
    public static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static String prove(String secret, String role, String controllerNonce, String satelliteNonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(role.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(controllerNonce.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(satelliteNonce.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Constant-time check of a proof received from the peer. */
    public static boolean verify(String secret, String role, String controllerNonce, String satelliteNonce,
                                 String proof) {
        if (proof == null || controllerNonce == null || satelliteNonce == null) {
            return false;
        }
        byte[] expected = prove(secret, role, controllerNonce, satelliteNonce).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.US_ASCII));
    }
}
