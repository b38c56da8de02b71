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
 * @param fenceNode a Primary that is not the source, or {@link #NO_FENCE}: the source reads only
 *     after it received that Primary's write {@code fenceSequence}, the last one the requester
 *     received (so resync data never predates an application write the requester applied)
 * @param fenceSequence the Primary's write sequence; 0 without a fence
 */
public record ResyncRequest(long id, int volume, long offset, int length, int fenceNode, long fenceSequence)
    implements WireMessage {

  /** The fence node of a request without a fence. */
  public static final int NO_FENCE = 0xff;

  static final int BODY_BYTES = 31;

  public ResyncRequest {
    Bodies.requireVolume(volume);
    Bodies.requireDataRange(offset, length);
    if (fenceNode != NO_FENCE) {
      Bodies.requireWithin(fenceNode, 0, WireProtocol.MAX_NODE_ID, "fenceNode");
    } else if (fenceSequence != 0) {
      throw new IllegalArgumentException("fenceSequence " + fenceSequence + " without a fence node");
    }
  }

  /** A request without a fence. */
  public ResyncRequest(long id, int volume, long offset, int length) {
    this(id, volume, offset, length, NO_FENCE, 0);
  }

  public boolean fenced() {
    return fenceNode != NO_FENCE;
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
        .put((byte) fenceNode)
        .putLong(fenceSequence)
        .array();
  }

  static ResyncRequest decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.RESYNC_REQUEST);
    long id = body.getLong();
    int volume = Short.toUnsignedInt(body.getShort());
    long offset = body.getLong();
    long length = Integer.toUnsignedLong(body.getInt());
    int fenceNode = Byte.toUnsignedInt(body.get());
    long fenceSequence = body.getLong();
    Bodies.check(MessageType.RESYNC_REQUEST,
        () -> Bodies.requireWithin(length, 1, WireProtocol.MAX_PAYLOAD_BYTES, "length"));
    return Bodies.construct(MessageType.RESYNC_REQUEST,
        () -> new ResyncRequest(id, volume, offset, (int) length, fenceNode, fenceSequence));
  }
}
