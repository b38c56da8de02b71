package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * Answers a {@link Barrier}: every write before it is durable ({@code ok}), or some could not be
 * written.
 *
 * @param sequence the barrier's sequence
 * @param ok whether all writes of the epoch are durable; on the wire 1 or 0, nothing else
 */
public record BarrierAck(long sequence, boolean ok) implements WireMessage {

  static final int BODY_BYTES = 9;

  @Override
  public MessageType type() {
    return MessageType.BARRIER_ACK;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putLong(sequence).put((byte) (ok ? 1 : 0)).array();
  }

  static BarrierAck decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.BARRIER_ACK);
    long sequence = body.getLong();
    return new BarrierAck(sequence, Bodies.bool(body, MessageType.BARRIER_ACK, "ok"));
  }
}
