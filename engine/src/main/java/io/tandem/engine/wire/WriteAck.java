package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * Answers a {@link DataWrite}: the receiver has it in memory ({@link #RECEIVED}, only when the write
 * asked for it), has it on its disk ({@link #WRITTEN}), or could not write it ({@link #FAILED}).
 *
 * @param sequence the write's sequence
 * @param kind {@link #RECEIVED}, {@link #WRITTEN} or {@link #FAILED}
 */
public record WriteAck(long sequence, int kind) implements WireMessage {

  /** The write arrived; it is not durable yet. */
  public static final int RECEIVED = 0;
  /** The write is durable on the receiver (as durable as its FUA flag asked). */
  public static final int WRITTEN = 1;
  /** The receiver could not write it; its disk has failed. */
  public static final int FAILED = 2;

  static final int BODY_BYTES = 9;

  public WriteAck {
    Bodies.requireWithin(kind, RECEIVED, FAILED, "kind");
  }

  @Override
  public MessageType type() {
    return MessageType.WRITE_ACK;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putLong(sequence).put((byte) kind).array();
  }

  static WriteAck decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.WRITE_ACK);
    long sequence = body.getLong();
    int kind = Byte.toUnsignedInt(body.get());
    return Bodies.construct(MessageType.WRITE_ACK, () -> new WriteAck(sequence, kind));
  }
}
