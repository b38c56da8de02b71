package io.tandem.engine.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Golden bytes for codec tests, written by hand from a byte table (NBD's proto.md, our wire and
 * metadata tables): hex with spaces, and ASCII text.
 */
public final class Bytes {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  public static Bytes of() {
    return new Bytes();
  }

  /** Appends hex digits, spaces ignored: {@code hex("25 60 95 13")}. */
  public Bytes hex(String digits) {
    bytes.writeBytes(HexFormat.of().parseHex(digits.replace(" ", "")));
    return this;
  }

  public Bytes ascii(String text) {
    bytes.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  public Bytes zeroes(int count) {
    bytes.writeBytes(new byte[count]);
    return this;
  }

  public Bytes append(byte[] more) {
    bytes.writeBytes(more);
    return this;
  }

  public byte[] array() {
    return bytes.toByteArray();
  }

  public static byte[] hexBytes(String digits) {
    return of().hex(digits).array();
  }

  public static byte[] remaining(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
