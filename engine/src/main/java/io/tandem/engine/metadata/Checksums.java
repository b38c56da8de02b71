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

  /**
   * The first check every metadata block shares: it is exactly one block long. {@code what} names
   * the block kind in the error ("superblock", "activity log transaction").
   */
  static void requireWholeBlock(byte[] bytes, String what) throws MetadataFormatException {
    if (bytes.length != MetadataLayout.BLOCK_BYTES) {
      throw new MetadataFormatException(what + " truncated",
          bytes.length + " bytes, need " + MetadataLayout.BLOCK_BYTES);
    }
  }

  /** The second shared check: the CRC32C stored at {@code checksumOffset} matches the bytes before it. */
  static void requireChecksum(byte[] bytes, int checksumOffset, String what)
      throws MetadataFormatException {
    int stored = java.nio.ByteBuffer.wrap(bytes).getInt(checksumOffset);
    int computed = crc32c(bytes, checksumOffset);
    if (stored != computed) {
      throw new MetadataFormatException(what + " checksum mismatch",
          "stored " + hex(stored) + ", computed " + hex(computed));
    }
  }

  static String hex(int value) {
    return String.format("0x%08x", value);
  }

  static String hex(long value) {
    return String.format("0x%016x", value);
  }
}
