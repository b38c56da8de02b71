package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bytes an {@link Authenticate} proves: HMAC-SHA256 keyed with the resource's shared secret
 * over this transcript (big-endian):
 * <pre>
 * | off  | size | field
 * |------|------|-----------------------------------------------------------------
 * | 0    | 16   | ASCII "tandem-wire-auth" (separates this use of the secret from others)
 * | 16   | 1    | prover node id: the sender of the Authenticate
 * | 17   | 1    | verifier node id: its receiver
 * | 18   | 2    | chosen version (the highest in both Hellos' ranges)
 * | 20   | 8    | agreed features (the intersection of both Hellos' bits)
 * | 28   | 32   | the prover's nonce (from its Hello)
 * | 60   | 32   | the verifier's nonce
 * | 92   | 1    | resource name length n
 * | 93   | n    | resource name, UTF-8
 * </pre>
 * The prover comes first, so the two Authenticates of a connection differ and one side's proof
 * sent back to it (a reflection) does not verify. The verifier's fresh nonce makes a recorded proof
 * useless on another connection; the version and features bind what the Hellos negotiated, so a
 * man in the middle who edits a Hello's range or bits makes both proofs fail.
 */
public final class HandshakeTranscript {

  static final byte[] LABEL = "tandem-wire-auth".getBytes(StandardCharsets.US_ASCII);

  private HandshakeTranscript() {}

  /** The transcript bytes, as laid out above. */
  public static byte[] transcript(int proverNodeId, int verifierNodeId, int version, long features,
      byte[] proverNonce, byte[] verifierNonce, String resourceName) {
    byte[] name = resourceName.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(LABEL.length + 1 + 1 + 2 + 8 + 2 * WireProtocol.NONCE_BYTES + 1 + name.length)
        .put(LABEL)
        .put((byte) proverNodeId)
        .put((byte) verifierNodeId)
        .putShort((short) version)
        .putLong(features)
        .put(proverNonce)
        .put(verifierNonce)
        .put((byte) name.length)
        .put(name)
        .array();
  }

  /** HMAC-SHA256 of the transcript keyed with the secret. */
  public static byte[] mac(byte[] secret, byte[] transcript) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(transcript);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    }
  }
}
