package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The sender ends the handshake; it closes the connection after this message.
 *
 * @param reason why, as a code
 * @param text for the operator, up to 1024 bytes of UTF-8; never contains the secret
 */
public record Refused(RefusalReason reason, String text) implements WireMessage {

  static final int FIXED_BYTES = 4;

  public Refused {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(text, "text");
    Bodies.utf8(text, WireProtocol.MAX_REFUSAL_TEXT_BYTES, "refusal text");
  }

  @Override
  public MessageType type() {
    return MessageType.REFUSED;
  }

  @Override
  public byte[] encodeBody() {
    byte[] bytes = Bodies.utf8(text, WireProtocol.MAX_REFUSAL_TEXT_BYTES, "refusal text");
    return ByteBuffer.allocate(FIXED_BYTES + bytes.length)
        .putShort((short) reason.code())
        .putShort((short) bytes.length)
        .put(bytes)
        .array();
  }

  static Refused decode(ByteBuffer body) throws WireFormatException {
    Bodies.requireAtLeast(body, FIXED_BYTES, MessageType.REFUSED);
    RefusalReason reason = RefusalReason.ofCode(Short.toUnsignedInt(body.getShort()));
    int length = Short.toUnsignedInt(body.getShort());
    if (length > WireProtocol.MAX_REFUSAL_TEXT_BYTES) {
      throw new WireFormatException("REFUSED text of " + length + " bytes exceeds "
          + WireProtocol.MAX_REFUSAL_TEXT_BYTES);
    }
    Bodies.requireLength(body, length, MessageType.REFUSED);
    return new Refused(reason, Bodies.utf8(body, "text", MessageType.REFUSED));
  }
}
