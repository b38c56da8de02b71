package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Helpers the body codecs share: exact lengths, strict UTF-8, range checks. */
final class Bodies {

  private Bodies() {}

  static void requireLength(ByteBuffer body, int expected, MessageType type) throws WireFormatException {
    if (body.remaining() != expected) {
      throw new WireFormatException(type + " body of " + body.remaining() + " bytes, expected " + expected);
    }
  }

  static void requireAtLeast(ByteBuffer body, int minimum, MessageType type) throws WireFormatException {
    if (body.remaining() < minimum) {
      throw new WireFormatException(type + " body of " + body.remaining() + " bytes, need at least " + minimum);
    }
  }


  /** Decodes strict UTF-8: malformed sequences are an error, never replaced. */
  static String utf8(ByteBuffer bytes, String field, MessageType type) throws WireFormatException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new WireFormatException(type + " " + field + " is not valid UTF-8");
    }
  }

  static byte[] utf8(String text, int maxBytes, String field) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(field + " of " + bytes.length + " bytes exceeds " + maxBytes);
    }
    return bytes;
  }
}
