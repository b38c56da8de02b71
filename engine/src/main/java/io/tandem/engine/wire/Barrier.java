package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * Closes an epoch of writes: the receiver answers with a {@link BarrierAck} once every
 * {@link DataWrite} sent before the barrier is durable on its disk.
 *
 * @param sequence chosen by the sender, any u64; the answer carries it back
 */
public record Barrier(long sequence) implements WireMessage {

  static final int BODY_BYTES = 8;

  @Override
  public MessageType type() {
    return MessageType.BARRIER;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putLong(sequence).array();
  }

  static Barrier decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.BARRIER);
    return new Barrier(body.getLong());
  }
}
