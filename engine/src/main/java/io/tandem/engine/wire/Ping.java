package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * Asks the peer for a {@link Pong} with the same sequence; keeps an idle connection observed.
 *
 * @param sequence chosen by the pinging side, any u64
 */
public record Ping(long sequence) implements WireMessage {

  static final int BODY_BYTES = 8;

  @Override
  public MessageType type() {
    return MessageType.PING;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putLong(sequence).array();
  }

  static Ping decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.PING);
    return new Ping(body.getLong());
  }
}
