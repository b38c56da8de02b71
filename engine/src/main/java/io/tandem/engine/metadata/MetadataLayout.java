package io.tandem.engine.metadata;

/**
 * Where each region of a metadata file lives, derived from the volume size, the number of peer
 * slots and the activity-log ring size alone (so the control plane can predict it). See the table in
 * {@code package-info.java}.
 */
public record MetadataLayout(long volumeSizeBytes, int peerSlotCount, int activityLogBlocks) {

  public static final int BLOCK_BYTES = 4096;
  public static final int SUPERBLOCK_COPIES = 2;
  public static final int BITMAP_BYTES_PER_BIT = 4096;
  public static final long EXTENT_BYTES = 4L << 20;
  public static final int MAX_PEER_SLOTS = 32;
  public static final int MIN_ACTIVITY_LOG_BLOCKS = 2;
  public static final int MAX_ACTIVITY_LOG_BLOCKS = 1024;
  /** A volume of 2^32 extents (16 PiB) is far beyond what we track; extent numbers fit a u32. */
  public static final long MAX_VOLUME_SIZE_BYTES = EXTENT_BYTES << 20;

  public MetadataLayout {
    String problem = problemWith(volumeSizeBytes, peerSlotCount, activityLogBlocks);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Null if the parameters make a valid layout, else what is wrong with them. */
  static String problemWith(long volumeSizeBytes, int peerSlotCount, int activityLogBlocks) {
    if (volumeSizeBytes <= 0 || volumeSizeBytes % BLOCK_BYTES != 0 || volumeSizeBytes > MAX_VOLUME_SIZE_BYTES) {
      return "volume size " + volumeSizeBytes + " is not a positive multiple of " + BLOCK_BYTES
          + " up to " + MAX_VOLUME_SIZE_BYTES;
    }
    if (peerSlotCount < 1 || peerSlotCount > MAX_PEER_SLOTS) {
      return "peer slot count " + peerSlotCount + " is not within 1.." + MAX_PEER_SLOTS;
    }
    if (activityLogBlocks < MIN_ACTIVITY_LOG_BLOCKS || activityLogBlocks > MAX_ACTIVITY_LOG_BLOCKS) {
      return "activity log ring of " + activityLogBlocks + " blocks is not within "
          + MIN_ACTIVITY_LOG_BLOCKS + ".." + MAX_ACTIVITY_LOG_BLOCKS;
    }
    return null;
  }

  /** Byte offset of superblock copy 0 or 1. */
  public long superblockOffset(int copy) {
    return (long) copy * BLOCK_BYTES;
  }

  public long activityLogOffset() {
    return (long) SUPERBLOCK_COPIES * BLOCK_BYTES;
  }

  /** Byte offset of ring block {@code index}. */
  public long activityLogBlockOffset(int index) {
    return activityLogOffset() + (long) index * BLOCK_BYTES;
  }

  public long bitmapOffset() {
    return activityLogOffset() + (long) activityLogBlocks * BLOCK_BYTES;
  }

  /** Bits per slot: one per 4 KiB block, rounded up to whole 64-bit words. */
  public long bitsPerSlot() {
    long blocks = volumeSizeBytes / BITMAP_BYTES_PER_BIT;
    return (blocks + 63) / 64 * 64;
  }

  /** All slots' bits, interleaved in 64-bit words, rounded up to whole 4 KiB blocks. */
  public long bitmapBytes() {
    long bytes = bitsPerSlot() / 8 * peerSlotCount;
    return (bytes + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES;
  }

  public long totalBytes() {
    return bitmapOffset() + bitmapBytes();
  }

  /** Number of 4 MiB extents (the last one may be partial). */
  public long extentCount() {
    return (volumeSizeBytes + EXTENT_BYTES - 1) / EXTENT_BYTES;
  }
}
