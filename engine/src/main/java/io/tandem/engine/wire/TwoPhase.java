package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One step of a cluster-wide state change agreed by two-phase commit: the node that wants the
 * change sends {@link #PREPARE} to every peer, each answers {@link #YES} or {@link #NO} (with the
 * reason as text), and the initiator then sends {@link #COMMIT} if all said yes, else {@link
 * #ABORT}. All steps of one change carry its transaction id.
 *
 * @param transaction the change's id, chosen by the initiator, any u64
 * @param step {@link #PREPARE}, {@link #YES}, {@link #NO}, {@link #COMMIT} or {@link #ABORT}
 * @param change what changes, 0..255: {@link #PROMOTE}; other codes are reserved (a peer that
 *     does not know one answers {@link #NO})
 * @param text for the operator, up to {@link #MAX_TEXT_BYTES} bytes of UTF-8 (the reason of a
 *     {@link #NO}); may be empty, never null
 */
public record TwoPhase(long transaction, int step, int change, String text) implements WireMessage {

  /** The initiator asks whether the change may happen. */
  public static final int PREPARE = 0;
  /** The peer agrees and holds back anything that would conflict until COMMIT or ABORT. */
  public static final int YES = 1;
  /** The peer refuses; the text says why. */
  public static final int NO = 2;
  /** Everyone agreed: the change happens. */
  public static final int COMMIT = 3;
  /** Someone refused or did not answer: the change does not happen. */
  public static final int ABORT = 4;

  /** The initiator becomes Primary. */
  public static final int PROMOTE = 0;

  public static final int MAX_TEXT_BYTES = 1024;

  static final int FIXED_BYTES = 12;

  public TwoPhase {
    Bodies.requireWithin(step, PREPARE, ABORT, "step");
    Bodies.requireWithin(change, 0, 0xff, "change");
    Objects.requireNonNull(text, "text");
    Bodies.utf8Strict(text, MAX_TEXT_BYTES, "text");
  }

  @Override
  public MessageType type() {
    return MessageType.TWO_PHASE;
  }

  @Override
  public byte[] encodeBody() {
    byte[] bytes = Bodies.utf8Strict(text, MAX_TEXT_BYTES, "text");
    return ByteBuffer.allocate(FIXED_BYTES + bytes.length)
        .putLong(transaction)
        .put((byte) step)
        .put((byte) change)
        .putShort((short) bytes.length)
        .put(bytes)
        .array();
  }

  static TwoPhase decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.TWO_PHASE);
    long transaction = body.getLong();
    int step = Byte.toUnsignedInt(body.get());
    int change = Byte.toUnsignedInt(body.get());
    int length = Short.toUnsignedInt(body.getShort());
    if (length > MAX_TEXT_BYTES) {
      throw new WireFormatException(MessageType.TWO_PHASE + " text of " + length + " bytes exceeds "
          + MAX_TEXT_BYTES);
    }
    Bodies.requireExactly(body, length, MessageType.TWO_PHASE, "text");
    String text = Bodies.utf8(body, "text", MessageType.TWO_PHASE);
    return Bodies.construct(MessageType.TWO_PHASE, () -> new TwoPhase(transaction, step, change, text));
  }
}
