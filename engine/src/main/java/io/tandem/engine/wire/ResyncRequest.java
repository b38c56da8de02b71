package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The resync target asks the source for one range of blocks that are out of sync; the source answers
 * with a {@link ResyncReply} carrying the same id.
 *
 * @param id chosen by the requester, any u64
 * @param volume the volume number, 0..65535
 * @param offset the first byte, ≥ 0
 * @param length 1..{@link WireProtocol#MAX_PAYLOAD_BYTES} bytes
 */
public record ResyncRequest(long id, int volume, long offset, int length) implements WireMessage {

  static final int BODY_BYTES = 22;

  public ResyncRequest {
    Bodies.requireVolume(volume);
    Bodies.requireDataRange(offset, length);
  }

  @Override
  public MessageType type() {
    return MessageType.RESYNC_REQUEST;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES)
        .putLong(id)
        .putShort((short) volume)
        .putLong(offset)
        .putInt(length)
        .array();
  }

  static ResyncRequest decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.RESYNC_REQUEST);
    long id = body.getLong();
    int volume = Short.toUnsignedInt(body.getShort());
    long offset = body.getLong();
    long length = Integer.toUnsignedLong(body.getInt());
    Bodies.check(MessageType.RESYNC_REQUEST,
        () -> Bodies.requireWithin(length, 1, WireProtocol.MAX_PAYLOAD_BYTES, "length"));
    return Bodies.construct(MessageType.RESYNC_REQUEST, () -> new ResyncRequest(id, volume, offset, (int) length));
  }
}
