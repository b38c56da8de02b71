package io.tandem.engine.wire;

import java.nio.ByteBuffer;

/**
 * The Primary's write {@code sequence} left its pipeline: every peer it was sent to wrote it or
 * missed it, and {@code writtenBy} names the nodes that hold it (DRBD's P_PEER_ACK). A Secondary
 * keeps each write it received until this arrives; the nodes the write was meant for that are not
 * in the mask miss it, and a Secondary that loses the Primary before the ack takes every such write
 * as missed by all other nodes.
 *
 * @param sequence the write's sequence on the Primary, ≥ 1
 * @param writtenBy bit n set: node id n wrote it (the Primary included when its own disk did)
 */
public record PeerAck(long sequence, int writtenBy) implements WireMessage {

  static final int BODY_BYTES = 12;

  public PeerAck {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence " + sequence + " is not ≥ 1");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.PEER_ACK;
  }

  @Override
  public byte[] encodeBody() {
    return ByteBuffer.allocate(BODY_BYTES).putLong(sequence).putInt(writtenBy).array();
  }

  static PeerAck decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireLength(body, BODY_BYTES, MessageType.PEER_ACK);
    long sequence = body.getLong();
    int writtenBy = body.getInt();
    return Bodies.construct(MessageType.PEER_ACK, () -> new PeerAck(sequence, writtenBy));
  }
}
