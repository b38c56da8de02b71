package io.tandem.engine.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Golden bytes for the tests, written by hand from the byte tables in package-info.java: hex with
 * spaces, and ASCII text.
 */
final class Bytes {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  static Bytes of() {
    return new Bytes();
  }

  /** Appends hex digits, spaces ignored: {@code hex("25 60 95 13")}. */
  Bytes hex(String digits) {
    bytes.writeBytes(HexFormat.of().parseHex(digits.replace(" ", "")));
    return this;
  }

  Bytes ascii(String text) {
    bytes.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  Bytes zeroes(int count) {
    bytes.writeBytes(new byte[count]);
    return this;
  }

  Bytes append(byte[] more) {
    bytes.writeBytes(more);
    return this;
  }

  byte[] array() {
    return bytes.toByteArray();
  }

  static byte[] hexBytes(String digits) {
    return of().hex(digits).array();
  }

  static byte[] remaining(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
