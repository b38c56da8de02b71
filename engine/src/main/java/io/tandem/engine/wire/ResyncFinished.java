package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The resync source has sent every out-of-sync range of a volume: the target is now up to date and
 * takes the source's current UUID as its own.
 *
 * @param volume the volume number, 0..65535
 * @param currentUuid the source's current UUID, which the target adopts
 */
public record ResyncFinished(int volume, long currentUuid) implements WireMessage {

  static final int BODY_BYTES = 10;

  public ResyncFinished {
    Bodies.requireVolume(volume);
  }

  @Override
  public MessageType type() {
    return MessageType.RESYNC_FINISHED;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putShort((short) volume).putLong(currentUuid).array();
  }

  static ResyncFinished decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.RESYNC_FINISHED);
    int volume = Short.toUnsignedInt(body.getShort());
    return new ResyncFinished(volume, body.getLong());
  }
}
