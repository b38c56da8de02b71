package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The sender found a range in sync on both sides (by its checksum, or because it never was out of
 * sync): the receiver clears its out-of-sync bits for the range instead of having it sent.
 *
 * @param volume the volume number, 0..65535
 * @param offset the first byte, ≥ 0
 * @param length ≥ 1 bytes; the range ends within a long
 */
public record InSync(int volume, long offset, long length) implements WireMessage {

  static final int BODY_BYTES = 18;

  public InSync {
    Bodies.requireVolume(volume);
    Bodies.requireRange(offset, length);
  }

  @Override
  public MessageType type() {
    return MessageType.IN_SYNC;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putShort((short) volume).putLong(offset).putLong(length).array();
  }

  static InSync decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.IN_SYNC);
    int volume = Short.toUnsignedInt(body.getShort());
    long offset = body.getLong();
    long length = body.getLong();
    return Bodies.construct(MessageType.IN_SYNC, () -> new InSync(volume, offset, length));
  }
}
