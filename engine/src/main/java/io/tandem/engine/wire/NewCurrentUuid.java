package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The primary started a new generation of a volume while connected: the receiver, which has every
 * write so far, takes the same current UUID, so both keep agreeing on the data's history.
 *
 * @param volume the volume number, 0..65535
 * @param uuid the new current UUID
 */
public record NewCurrentUuid(int volume, long uuid) implements WireMessage {

  static final int BODY_BYTES = 10;

  public NewCurrentUuid {
    Bodies.requireVolume(volume);
  }

  @Override
  public MessageType type() {
    return MessageType.NEW_CURRENT_UUID;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putShort((short) volume).putLong(uuid).array();
  }

  static NewCurrentUuid decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.NEW_CURRENT_UUID);
    int volume = Short.toUnsignedInt(body.getShort());
    return new NewCurrentUuid(volume, body.getLong());
  }
}
