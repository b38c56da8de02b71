package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Helpers the body codecs share: exact lengths, strict UTF-8, range checks. The range checks throw
 * {@link IllegalArgumentException} for the records' constructors; {@link #check} and {@link
 * #construct} turn them into a {@link WireFormatException} naming the type when a body is decoded.
 */
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

  /** At least {@code bytes} are left for {@code field}; a body that ends inside a field is an error. */
  static void requireRemaining(ByteBuffer body, int bytes, MessageType type, String field)
      throws WireFormatException {
    if (body.remaining() < bytes) {
      throw new WireFormatException(type + " body ends inside " + field + ": " + body.remaining()
          + " bytes left, " + bytes + " needed");
    }
  }

  /** Exactly {@code bytes} are left: the last field, with nothing after it. */
  static void requireExactly(ByteBuffer body, long bytes, MessageType type, String field)
      throws WireFormatException {
    if (body.remaining() != bytes) {
      throw new WireFormatException(type + " " + field + " of " + body.remaining() + " bytes, expected " + bytes);
    }
  }

  /** Nothing is left after {@code field}. */
  static void requireEnd(ByteBuffer body, MessageType type, String field) throws WireFormatException {
    if (body.hasRemaining()) {
      throw new WireFormatException(type + " body has " + body.remaining() + " trailing byte"
          + (body.remaining() == 1 ? "" : "s") + " after " + field);
    }
  }

  /** Reads a reserved byte, which must be zero. */
  static void requireZero(ByteBuffer body, MessageType type, String field) throws WireFormatException {
    int value = Byte.toUnsignedInt(body.get());
    if (value != 0) {
      throw new WireFormatException(type + " " + field + " is " + value + ", not zero");
    }
  }

  /** Reads a u8 that is a boolean: 0 or 1, nothing else. */
  static boolean bool(ByteBuffer body, MessageType type, String field) throws WireFormatException {
    int value = Byte.toUnsignedInt(body.get());
    if (value > 1) {
      throw new WireFormatException(type + " " + field + " is " + value + ", expected 0 or 1");
    }
    return value == 1;
  }

  /** Runs a range check of the constructors on a decoded field. */
  static void check(MessageType type, Runnable check) throws WireFormatException {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(type + " " + e.getMessage());
    }
  }

  /** Builds a decoded record; what its constructor refuses is an error in {@code where}. */
  static <T> T construct(String where, Supplier<T> constructor) throws WireFormatException {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(where + " " + e.getMessage());
    }
  }

  static <T> T construct(MessageType type, Supplier<T> constructor) throws WireFormatException {
    return construct(type.toString(), constructor);
  }

  static void requireWithin(long value, long min, long max, String field) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " " + value + " is not within " + min + ".." + max);
    }
  }

  static void requireVolume(int volume) {
    requireWithin(volume, 0, WireProtocol.MAX_VOLUME, "volume");
  }

  /** A byte range of a volume: offset ≥ 0, length ≥ 1, and the end fits in a long. */
  static void requireRange(long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset " + offset + " is negative");
    }
    if (length < 1) {
      throw new IllegalArgumentException("length " + length + " is not at least 1");
    }
    if (offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("offset " + offset + " + length " + length + " overflows");
    }
  }

  /** A byte range of a volume that carries data: as {@link #requireRange}, length ≤ 32 MiB. */
  static void requireDataRange(long offset, int length) {
    requireWithin(length, 1, WireProtocol.MAX_PAYLOAD_BYTES, "length");
    requireRange(offset, length);
  }

  /**
   * Checks a payload against its message: present with exactly {@code length} bytes when {@code
   * carried}, else null. Returns a read-only view of the bytes between its position and limit,
   * sharing them without a copy; the caller's buffer is not moved.
   */
  static ByteBuffer payload(ByteBuffer payload, boolean carried, int length, String owner) {
    if (!carried) {
      if (payload != null) {
        throw new IllegalArgumentException("payload of " + payload.remaining() + " bytes for " + owner
            + ", which carries none");
      }
      return null;
    }
    if (payload == null) {
      throw new IllegalArgumentException("payload missing for " + owner);
    }
    if (payload.remaining() != length) {
      throw new IllegalArgumentException("payload of " + payload.remaining() + " bytes, expected the length "
          + length);
    }
    return payload.slice().asReadOnlyBuffer();
  }

  /**
   * Checks the bytes a message carries per block of its range, {@code blocks} of them: exactly
   * {@code expected} bytes. Returns a read-only view of the bytes between the buffer's position and
   * limit, sharing them without a copy; the caller's buffer is not moved.
   */
  static ByteBuffer perBlock(ByteBuffer bytes, int expected, int blocks, String field) {
    if (bytes.remaining() != expected) {
      throw new IllegalArgumentException(field + " of " + bytes.remaining() + " bytes, expected " + expected
          + " for " + blocks + (blocks == 1 ? " block" : " blocks"));
    }
    return bytes.slice().asReadOnlyBuffer();
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

  /** Encodes strict UTF-8: a string with an unpaired surrogate is refused, never replaced. */
  static byte[] utf8Strict(String text, int maxBytes, String field) {
    ByteBuffer encoded;
    try {
      encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(field + " has an unpaired surrogate");
    }
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(field + " of " + bytes.length + " bytes exceeds " + maxBytes);
    }
    return bytes;
  }
}
