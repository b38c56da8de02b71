package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * Answers a {@link ResyncRequest} with the same id, volume and range: the data ({@link #DATA}),
 * word that the range reads as zeros, which travels as a hole without payload ({@link #ZEROES}), or
 * that the source could not read it ({@link #FAILED}).
 *
 * <p>Like {@link DataWrite}, the record shares the payload's bytes: it keeps a read-only view of
 * the bytes between the buffer's position and limit, which the caller must not change while the
 * record is in use; {@link #payload()} returns a fresh view each time.
 *
 * @param id the request's id
 * @param volume the volume number, 0..65535
 * @param offset the first byte, ≥ 0
 * @param length 1..{@link WireProtocol#MAX_PAYLOAD_BYTES} bytes
 * @param kind {@link #DATA}, {@link #ZEROES} or {@link #FAILED}
 * @param payload exactly {@code length} bytes for {@link #DATA}; null for the others
 */
public record ResyncReply(long id, int volume, long offset, int length, int kind, ByteBuffer payload)
    implements WireMessage {

  /** The payload is the range's data. */
  public static final int DATA = 0;
  /** The range reads as zeros on the source; no payload, it travels as a hole. */
  public static final int ZEROES = 1;
  /** The source could not read the range; no payload. */
  public static final int FAILED = 2;

  static final int FIXED_BYTES = 23;

  public ResyncReply {
    Bodies.requireVolume(volume);
    Bodies.requireDataRange(offset, length);
    Bodies.requireWithin(kind, DATA, FAILED, "kind");
    payload = Bodies.payload(payload, kind == DATA, length, "kind " + kind);
  }

  /** A read-only view of the payload, null when the kind carries none. */
  @Override
  public ByteBuffer payload() {
    return payload == null ? null : payload.duplicate();
  }

  @Override
  public MessageType type() {
    return MessageType.RESYNC_REPLY;
  }

  @Override
  public byte[] encodeBody() {
    ByteBuffer body = ByteBuffer.allocate(FIXED_BYTES + (payload == null ? 0 : length))
        .putLong(id)
        .putShort((short) volume)
        .putLong(offset)
        .putInt(length)
        .put((byte) kind);
    if (payload != null) {
      body.put(payload.duplicate());
    }
    return body.array();
  }

  /** The payload is a view of {@code body}, not a copy. */
  static ResyncReply decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.RESYNC_REPLY);
    long id = body.getLong();
    int volume = Short.toUnsignedInt(body.getShort());
    long offset = body.getLong();
    long length = Integer.toUnsignedLong(body.getInt());
    int kind = Byte.toUnsignedInt(body.get());
    Bodies.check(MessageType.RESYNC_REPLY, () -> {
      Bodies.requireWithin(length, 1, WireProtocol.MAX_PAYLOAD_BYTES, "length");
      Bodies.requireWithin(kind, DATA, FAILED, "kind");
    });
    boolean carried = kind == DATA;
    Bodies.requireExactly(body, carried ? length : 0, MessageType.RESYNC_REPLY, "payload");
    ByteBuffer payload = carried ? body.slice() : null;
    return Bodies.construct(MessageType.RESYNC_REPLY,
        () -> new ResyncReply(id, volume, offset, (int) length, kind, payload));
  }
}
