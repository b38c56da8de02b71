package io.tandem.engine.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes activity-log transactions; pure functions over 4096-byte arrays (big-endian). */
public final class ActivityLogTransactionCodec {

  public static final int MAGIC = 0x54414c54; // "TALT"

  static final int OFFSET_MAGIC = 0;
  static final int OFFSET_TYPE = 4;
  static final int OFFSET_COUNT = 6;
  static final int OFFSET_SEQUENCE = 8;
  static final int OFFSET_RESERVED = 16;
  static final int OFFSET_EXTENTS = 20;
  static final int OFFSET_CHECKSUM = MetadataLayout.BLOCK_BYTES - 4;

  private ActivityLogTransactionCodec() {}

  public static byte[] encode(ActivityLogTransaction transaction) {
    ByteBuffer buffer = ByteBuffer.allocate(MetadataLayout.BLOCK_BYTES).order(ByteOrder.BIG_ENDIAN);
    buffer.putInt(OFFSET_MAGIC, MAGIC);
    buffer.putShort(OFFSET_TYPE, (short) transaction.type().code());
    buffer.putShort(OFFSET_COUNT, (short) transaction.extents().size());
    buffer.putLong(OFFSET_SEQUENCE, transaction.sequence());
    for (int i = 0; i < transaction.extents().size(); i++) {
      buffer.putInt(OFFSET_EXTENTS + 4 * i, (int) (long) transaction.extents().get(i));
    }
    byte[] bytes = buffer.array();
    buffer.putInt(OFFSET_CHECKSUM, Checksums.crc32c(bytes, OFFSET_CHECKSUM));
    return bytes;
  }

  /** Whether the block was never written (all zero bytes). */
  public static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Decodes a block; a wrong magic, checksum or field is an exception saying which. */
  public static ActivityLogTransaction decode(byte[] bytes) throws MetadataFormatException {
    Checksums.requireWholeBlock(bytes, "activity log transaction");
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    int magic = buffer.getInt(OFFSET_MAGIC);
    if (magic != MAGIC) {
      throw new MetadataFormatException("wrong activity log transaction magic",
          "found " + Checksums.hex(magic) + ", expected " + Checksums.hex(MAGIC));
    }
    Checksums.requireChecksum(bytes, OFFSET_CHECKSUM, "activity log transaction");
    int typeCode = Short.toUnsignedInt(buffer.getShort(OFFSET_TYPE));
    TransactionType type = TransactionType.ofCode(typeCode);
    if (type == null) {
      throw invalid("type", "unknown code " + typeCode);
    }
    int count = Short.toUnsignedInt(buffer.getShort(OFFSET_COUNT));
    if (count > ActivityLogTransaction.MAX_EXTENTS) {
      throw invalid("extent count", count + ", at most " + ActivityLogTransaction.MAX_EXTENTS);
    }
    long sequence = buffer.getLong(OFFSET_SEQUENCE);
    if (sequence < 1) {
      throw invalid("sequence", sequence + " is not positive");
    }
    if (buffer.getInt(OFFSET_RESERVED) != 0) {
      throw invalid("reserved bytes", "are not zero");
    }
    List<Long> extents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      extents.add(Integer.toUnsignedLong(buffer.getInt(OFFSET_EXTENTS + 4 * i)));
    }
    for (int at = OFFSET_EXTENTS + 4 * count; at < OFFSET_CHECKSUM; at++) {
      if (bytes[at] != 0) {
        throw invalid("unused extent slots", "byte " + at + " is not zero");
      }
    }
    return new ActivityLogTransaction(sequence, type, extents);
  }

  private static MetadataFormatException invalid(String field, String detail) {
    return new MetadataFormatException("invalid activity log transaction " + field, detail);
  }
}
