package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The sender verified the receiver's {@link Authenticate}: the connection may carry replication
 * traffic in {@code version} with {@code features}, as the sender computed them from both Hellos.
 *
 * @param version the chosen protocol version: the highest in both ranges
 * @param features the agreed features: the intersection of both Hellos' bits
 */
public record Welcome(int version, long features) implements WireMessage {

  static final int BODY_BYTES = 10;

  public Welcome {
    if (version < 1 || version > 0xffff) {
      throw new IllegalArgumentException("version " + version + " is not within 1..65535");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.WELCOME;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putShort((short) version).putLong(features).array();
  }

  static Welcome decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.WELCOME);
    int version = Short.toUnsignedInt(body.getShort());
    long features = body.getLong();
    if (version < 1) {
      throw new WireFormatException("WELCOME version 0 is not a protocol version");
    }
    return new Welcome(version, features);
  }
}
