package io.tandem.engine.wire;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Encodes frames into the exact bytes sent: the 32-byte header, then the body. */
public final class WireEncoder {

  private WireEncoder() {}

  public static byte[] encode(WireFrame frame) {
    return encodeFrame(frame.version(), frame.message().type().code(), frame.senderNodeId(), frame.flags(),
        frame.message().encodeBody());
  }

  /** Any frame, including types this build does not know (for tests and future kinds). */
  static byte[] encodeFrame(int version, int typeCode, int senderNodeId, int flags, byte[] body) {
    if (body.length > WireProtocol.MAX_BODY_BYTES) {
      throw new IllegalArgumentException("body of " + body.length + " bytes exceeds " + WireProtocol.MAX_BODY_BYTES);
    }
    ByteBuffer frame = ByteBuffer.allocate(WireProtocol.HEADER_BYTES + body.length);
    frame.putInt(WireProtocol.OFFSET_MAGIC, WireProtocol.MAGIC)
        .putShort(WireProtocol.OFFSET_VERSION, (short) version)
        .putShort(WireProtocol.OFFSET_TYPE, (short) typeCode)
        .put(WireProtocol.OFFSET_SENDER, (byte) senderNodeId)
        .put(WireProtocol.OFFSET_FLAGS, (byte) flags)
        .putInt(WireProtocol.OFFSET_BODY_LENGTH, body.length)
        .putInt(WireProtocol.OFFSET_BODY_CHECKSUM, crc32c(body, 0, body.length));
    byte[] bytes = frame.array();
    frame.putInt(WireProtocol.OFFSET_HEADER_CHECKSUM, crc32c(bytes, 0, WireProtocol.OFFSET_HEADER_CHECKSUM));
    System.arraycopy(body, 0, bytes, WireProtocol.HEADER_BYTES, body.length);
    return bytes;
  }

  static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
