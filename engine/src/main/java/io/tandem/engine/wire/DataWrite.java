package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * One write the primary replicates: data to write, a range to punch out or a range to zero. The
 * receiver answers with {@link WriteAck}s.
 *
 * <p>The record shares the payload's bytes instead of copying them (a write carries up to 32 MiB):
 * it keeps a read-only view of the bytes between the buffer's position and limit, and the caller
 * must not change them while the record is in use. Encoding does not move any buffer, and {@link
 * #payload()} returns a fresh view each time. Two writes are equal when their fields and payload
 * bytes are.
 *
 * @param sequence the sender's sequence for this write, any u64; the acks carry it back
 * @param volume the volume number, 0..65535
 * @param operation {@link #OP_WRITE}, {@link #OP_PUNCH_HOLE} or {@link #OP_WRITE_ZEROS}
 * @param flags {@link #FLAG_FUA} and {@link #FLAG_WANT_RECEIVED_ACK}; no other bit
 * @param offset the first byte, ≥ 0
 * @param length 1..{@link WireProtocol#MAX_PAYLOAD_BYTES} bytes
 * @param replicatedTo the node ids that receive this write, as bits (bit n for node n)
 * @param payload exactly {@code length} bytes for {@link #OP_WRITE}; null for the others, which
 *     carry none
 */
public record DataWrite(long sequence, int volume, int operation, int flags, long offset, int length,
    int replicatedTo, ByteBuffer payload) implements WireMessage {

  /** Write the payload at the offset. */
  public static final int OP_WRITE = 0;
  /** Deallocate the range; it reads as zeros afterwards. */
  public static final int OP_PUNCH_HOLE = 1;
  /** Make the range read as zeros, allocated or not. */
  public static final int OP_WRITE_ZEROS = 2;

  /** The write is durable before the receiver acknowledges it as written. */
  public static final int FLAG_FUA = 1;
  /** The sender wants a {@link WriteAck#RECEIVED} as soon as the write has arrived. */
  public static final int FLAG_WANT_RECEIVED_ACK = 2;
  static final int KNOWN_FLAGS = FLAG_FUA | FLAG_WANT_RECEIVED_ACK;

  static final int FIXED_BYTES = 28;

  public DataWrite {
    Bodies.requireVolume(volume);
    Bodies.requireWithin(operation, OP_WRITE, OP_WRITE_ZEROS, "operation");
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new IllegalArgumentException(String.format("flags 0x%x have unknown bits 0x%x", flags,
          flags & ~KNOWN_FLAGS));
    }
    Bodies.requireDataRange(offset, length);
    payload = Bodies.payload(payload, operation == OP_WRITE, length, "operation " + operation);
  }

  /** A read-only view of the payload, null when the operation carries none. */
  @Override
  public ByteBuffer payload() {
    return payload == null ? null : payload.duplicate();
  }

  /** Whether all bits of {@code flag} are set. */
  public boolean has(int flag) {
    return (flags & flag) == flag;
  }

  @Override
  public MessageType type() {
    return MessageType.DATA_WRITE;
  }

  @Override
  public byte[] encodeBody() {
    ByteBuffer body = ByteBuffer.allocate(FIXED_BYTES + (payload == null ? 0 : length))
        .putLong(sequence)
        .putShort((short) volume)
        .put((byte) operation)
        .put((byte) flags)
        .putLong(offset)
        .putInt(length)
        .putInt(replicatedTo);
    if (payload != null) {
      body.put(payload.duplicate());
    }
    return body.array();
  }

  /** The payload is a view of {@code body}, not a copy. */
  static DataWrite decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.DATA_WRITE);
    long sequence = body.getLong();
    int volume = Short.toUnsignedInt(body.getShort());
    int operation = Byte.toUnsignedInt(body.get());
    int flags = Byte.toUnsignedInt(body.get());
    long offset = body.getLong();
    long length = Integer.toUnsignedLong(body.getInt());
    int replicatedTo = body.getInt();
    Bodies.check(MessageType.DATA_WRITE, () -> {
      Bodies.requireWithin(operation, OP_WRITE, OP_WRITE_ZEROS, "operation");
      Bodies.requireWithin(length, 1, WireProtocol.MAX_PAYLOAD_BYTES, "length");
    });
    boolean carried = operation == OP_WRITE;
    Bodies.requireExactly(body, carried ? length : 0, MessageType.DATA_WRITE, "payload");
    ByteBuffer payload = carried ? body.slice() : null;
    return Bodies.construct(MessageType.DATA_WRITE,
        () -> new DataWrite(sequence, volume, operation, flags, offset, (int) length, replicatedTo, payload));
  }
}
