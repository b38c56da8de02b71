package io.tandem.engine.metadata;

import java.util.zip.CRC32C;

/** CRC32C over the first {@code length} bytes of a block, as stored in the block's last four bytes. */
final class Checksums {
  private Checksums() {}

  static int crc32c(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  static String hex(int value) {
    return String.format("0x%08x", value);
  }

  static String hex(long value) {
    return String.format("0x%016x", value);
  }
}
