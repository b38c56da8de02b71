package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The sender's proof that it knows the resource's shared secret: an HMAC-SHA256 over the
 * transcript of the two Hellos, computed by {@link HandshakeTranscript#mac}.
 *
 * @param mac the 32 bytes of the HMAC
 */
public record Authenticate(byte[] mac) implements WireMessage {

  public Authenticate {
    Objects.requireNonNull(mac, "mac");
    if (mac.length != WireProtocol.MAC_BYTES) {
      throw new IllegalArgumentException("mac of " + mac.length + " bytes, expected " + WireProtocol.MAC_BYTES);
    }
    mac = mac.clone();
  }

  @Override
  public byte[] mac() {
    return mac.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.AUTHENTICATE;
  }

  @Override
  public byte[] encodeBody() {
    return mac.clone();
  }

  static Authenticate decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, WireProtocol.MAC_BYTES, MessageType.AUTHENTICATE);
    byte[] mac = new byte[WireProtocol.MAC_BYTES];
    body.get(mac);
    return new Authenticate(mac);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Authenticate that && Arrays.equals(mac, that.mac);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mac);
  }

  @Override
  public String toString() {
    return "Authenticate[mac=" + HexFormat.of().formatHex(mac) + "]";
  }
}
