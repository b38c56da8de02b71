package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * Answers the {@link Ping} with the same sequence.
 *
 * @param sequence chosen by the pinging side, any u64
 */
public record Pong(long sequence) implements WireMessage {

  static final int BODY_BYTES = 8;

  @Override
  public MessageType type() {
    return MessageType.PONG;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putLong(sequence).array();
  }

  static Pong decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.PONG);
    return new Pong(body.getLong());
  }
}
