package io.tandem.engine.metadata;

import java.util.List;

/**
 * One 4 KiB block of the activity-log ring.
 *
 * @param sequence 1 for the first transaction of a metadata file, then +1 each; transaction
 *     {@code s} lives in ring block {@code s % ringBlocks}
 * @param extents 4 MiB extent numbers (u32 on disk), at most {@link #MAX_EXTENTS}
 */
public record ActivityLogTransaction(long sequence, TransactionType type, List<Long> extents) {

  public static final int MAX_EXTENTS = (ActivityLogTransactionCodec.OFFSET_CHECKSUM
      - ActivityLogTransactionCodec.OFFSET_EXTENTS) / 4; // 1018

  public ActivityLogTransaction {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence " + sequence + " is not positive");
    }
    if (extents.size() > MAX_EXTENTS) {
      throw new IllegalArgumentException(extents.size() + " extents, at most " + MAX_EXTENTS + " fit a transaction");
    }
    for (long extent : extents) {
      if (extent < 0 || extent > 0xffff_ffffL) {
        throw new IllegalArgumentException("extent number " + extent + " does not fit a u32");
      }
    }
    extents = List.copyOf(extents);
  }
}
