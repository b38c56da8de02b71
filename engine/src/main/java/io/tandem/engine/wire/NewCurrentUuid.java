package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The primary started a new generation of a volume while connected: the receiver, which has every
 * write so far, takes the same current UUID, so both keep agreeing on the data's history.
 *
 * @param volume the volume number, 0..65535
 * @param uuid the new current UUID
 * @param weakNodes node ids (a bit each) the sender's writes of this generation do not reach: the
 *     receiver's bitmaps for them start tracking (DRBD's "weak nodes")
 */
public record NewCurrentUuid(int volume, long uuid, int weakNodes) implements WireMessage {

  static final int BODY_BYTES = 14;

  public NewCurrentUuid {
    Bodies.requireVolume(volume);
  }

  /** A new generation every connected node receives. */
  public NewCurrentUuid(int volume, long uuid) {
    this(volume, uuid, 0);
  }

  @Override
  public MessageType type() {
    return MessageType.NEW_CURRENT_UUID;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putShort((short) volume).putLong(uuid).putInt(weakNodes).array();
  }

  static NewCurrentUuid decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.NEW_CURRENT_UUID);
    int volume = Short.toUnsignedInt(body.getShort());
    long uuid = body.getLong();
    return new NewCurrentUuid(volume, uuid, body.getInt());
  }
}
