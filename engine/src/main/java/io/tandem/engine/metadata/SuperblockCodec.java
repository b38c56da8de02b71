package io.tandem.engine.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Encodes and decodes a superblock copy; pure functions over 4096-byte arrays (big-endian). */
public final class SuperblockCodec {

  public static final long MAGIC = 0x54414e44454d4d44L; // "TANDEMMD"
  public static final int FORMAT_VERSION = 1;

  static final int OFFSET_MAGIC = 0;
  static final int OFFSET_VERSION = 8;
  static final int OFFSET_SEQUENCE = 16;
  static final int OFFSET_VOLUME_SIZE = 24;
  static final int OFFSET_NODE_ID = 32;
  static final int OFFSET_FLAGS = 36;
  static final int OFFSET_PEER_SLOT_COUNT = 40;
  static final int OFFSET_BYTES_PER_BIT = 44;
  static final int OFFSET_AL_BLOCKS = 48;
  static final int OFFSET_EXTENT_BYTES = 52;
  static final int OFFSET_AL_OFFSET = 56;
  static final int OFFSET_BITMAP_OFFSET = 64;
  static final int OFFSET_BITMAP_BYTES = 72;
  static final int OFFSET_CURRENT_UUID = 80;
  static final int OFFSET_BITMAP_UUID = 88;
  static final int OFFSET_HISTORY_UUIDS = 96;
  static final int OFFSET_PEER_SLOTS = OFFSET_HISTORY_UUIDS + 8 * Superblock.HISTORY_UUIDS; // 160
  static final int PEER_SLOT_BYTES = 24;
  static final int OFFSET_RESERVED = OFFSET_PEER_SLOTS + PEER_SLOT_BYTES * MetadataLayout.MAX_PEER_SLOTS; // 928
  static final int OFFSET_CHECKSUM = MetadataLayout.BLOCK_BYTES - 4; // 4092

  private SuperblockCodec() {}

  public static byte[] encode(Superblock superblock) {
    MetadataLayout layout = superblock.layout();
    ByteBuffer buffer = ByteBuffer.allocate(MetadataLayout.BLOCK_BYTES).order(ByteOrder.BIG_ENDIAN);
    buffer.putLong(OFFSET_MAGIC, MAGIC);
    buffer.putInt(OFFSET_VERSION, FORMAT_VERSION);
    buffer.putLong(OFFSET_SEQUENCE, superblock.sequence());
    buffer.putLong(OFFSET_VOLUME_SIZE, superblock.volumeSizeBytes());
    buffer.putInt(OFFSET_NODE_ID, superblock.nodeId());
    buffer.putInt(OFFSET_FLAGS, bitsOf(superblock.flags()));
    buffer.putInt(OFFSET_PEER_SLOT_COUNT, superblock.peerSlots().size());
    buffer.putInt(OFFSET_BYTES_PER_BIT, MetadataLayout.BITMAP_BYTES_PER_BIT);
    buffer.putInt(OFFSET_AL_BLOCKS, superblock.activityLogBlocks());
    buffer.putInt(OFFSET_EXTENT_BYTES, (int) MetadataLayout.EXTENT_BYTES);
    buffer.putLong(OFFSET_AL_OFFSET, layout.activityLogOffset());
    buffer.putLong(OFFSET_BITMAP_OFFSET, layout.bitmapOffset());
    buffer.putLong(OFFSET_BITMAP_BYTES, layout.bitmapBytes());
    buffer.putLong(OFFSET_CURRENT_UUID, superblock.currentUuid());
    buffer.putLong(OFFSET_BITMAP_UUID, superblock.bitmapUuid());
    for (int i = 0; i < Superblock.HISTORY_UUIDS; i++) {
      buffer.putLong(OFFSET_HISTORY_UUIDS + 8 * i, superblock.historyUuids().get(i));
    }
    for (int i = 0; i < superblock.peerSlots().size(); i++) {
      PeerSlot slot = superblock.peerSlots().get(i);
      int at = OFFSET_PEER_SLOTS + PEER_SLOT_BYTES * i;
      buffer.putInt(at, slot.peerNodeId());
      buffer.putInt(at + 4, peerBitsOf(slot.flags()));
      buffer.putLong(at + 8, slot.bitmapUuid());
    }
    byte[] bytes = buffer.array();
    buffer.putInt(OFFSET_CHECKSUM, Checksums.crc32c(bytes, OFFSET_CHECKSUM));
    return bytes;
  }

  /** Whether the bytes are a superblock copy that reached the disk whole (magic and checksum). */
  public static boolean isIntact(byte[] bytes) {
    try {
      checkIntact(bytes);
      return true;
    } catch (MetadataFormatException e) {
      return false;
    }
  }

  /**
   * Checks what a torn or never-written copy fails: the magic and the checksum. A copy that passes
   * was written whole by some version of Tandem.
   */
  public static void checkIntact(byte[] bytes) throws MetadataFormatException {
    Checksums.requireWholeBlock(bytes, "superblock");
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    long magic = buffer.getLong(OFFSET_MAGIC);
    if (magic != MAGIC) {
      throw new MetadataFormatException("wrong superblock magic",
          "found " + Checksums.hex(magic) + ", expected " + Checksums.hex(MAGIC));
    }
    Checksums.requireChecksum(bytes, OFFSET_CHECKSUM, "superblock");
  }

  /**
   * Decodes an intact copy and validates every field; a copy with a good checksum and a bad field
   * is refused, never repaired.
   */
  public static Superblock decode(byte[] bytes) throws MetadataFormatException {
    checkIntact(bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    int version = buffer.getInt(OFFSET_VERSION);
    if (version != FORMAT_VERSION) {
      throw new MetadataFormatException("unsupported metadata format version",
          "found " + version + ", this build reads " + FORMAT_VERSION);
    }
    if (buffer.getInt(OFFSET_VERSION + 4) != 0) {
      throw invalid("reserved bytes 12..15", "are not zero");
    }
    long sequence = buffer.getLong(OFFSET_SEQUENCE);
    if (sequence < 0) {
      throw invalid("sequence", sequence + " is negative");
    }
    long volumeSizeBytes = buffer.getLong(OFFSET_VOLUME_SIZE);
    int nodeId = buffer.getInt(OFFSET_NODE_ID);
    if (nodeId < 0 || nodeId > PeerSlot.MAX_NODE_ID) {
      throw invalid("node id", nodeId + " is not within 0.." + PeerSlot.MAX_NODE_ID);
    }
    int flagBits = buffer.getInt(OFFSET_FLAGS);
    int unknownFlags = flagBits & ~bitsOf(EnumSet.allOf(SuperblockFlag.class));
    if (unknownFlags != 0) {
      throw invalid("flags", "unknown bits " + Checksums.hex(unknownFlags));
    }
    int peerSlotCount = buffer.getInt(OFFSET_PEER_SLOT_COUNT);
    int bytesPerBit = buffer.getInt(OFFSET_BYTES_PER_BIT);
    if (bytesPerBit != MetadataLayout.BITMAP_BYTES_PER_BIT) {
      throw invalid("bitmap bytes per bit", bytesPerBit + ", this build supports "
          + MetadataLayout.BITMAP_BYTES_PER_BIT);
    }
    int activityLogBlocks = buffer.getInt(OFFSET_AL_BLOCKS);
    int extentBytes = buffer.getInt(OFFSET_EXTENT_BYTES);
    if (extentBytes != MetadataLayout.EXTENT_BYTES) {
      throw invalid("extent size", extentBytes + " bytes, this build supports " + MetadataLayout.EXTENT_BYTES);
    }
    String layoutProblem = MetadataLayout.problemWith(volumeSizeBytes, peerSlotCount, activityLogBlocks);
    if (layoutProblem != null) {
      throw invalid("geometry", layoutProblem);
    }
    MetadataLayout layout = new MetadataLayout(volumeSizeBytes, peerSlotCount, activityLogBlocks);
    checkStored(buffer, OFFSET_AL_OFFSET, "activity log offset", layout.activityLogOffset());
    checkStored(buffer, OFFSET_BITMAP_OFFSET, "bitmap offset", layout.bitmapOffset());
    checkStored(buffer, OFFSET_BITMAP_BYTES, "bitmap size", layout.bitmapBytes());
    long currentUuid = buffer.getLong(OFFSET_CURRENT_UUID);
    long bitmapUuid = buffer.getLong(OFFSET_BITMAP_UUID);
    List<Long> history = new ArrayList<>();
    for (int i = 0; i < Superblock.HISTORY_UUIDS; i++) {
      history.add(buffer.getLong(OFFSET_HISTORY_UUIDS + 8 * i));
    }
    List<PeerSlot> slots = new ArrayList<>();
    for (int i = 0; i < MetadataLayout.MAX_PEER_SLOTS; i++) {
      int at = OFFSET_PEER_SLOTS + PEER_SLOT_BYTES * i;
      int peerNodeId = buffer.getInt(at);
      int peerFlagBits = buffer.getInt(at + 4);
      long peerBitmapUuid = buffer.getLong(at + 8);
      long reserved = buffer.getLong(at + 16);
      if (i >= peerSlotCount) {
        if (peerNodeId != 0 || peerFlagBits != 0 || peerBitmapUuid != 0 || reserved != 0) {
          throw invalid("peer slot " + i, "is beyond the slot count " + peerSlotCount + " but not zero");
        }
        continue;
      }
      if (peerNodeId < PeerSlot.UNASSIGNED || peerNodeId > PeerSlot.MAX_NODE_ID) {
        throw invalid("peer slot " + i + " node id", peerNodeId + " is not within -1.." + PeerSlot.MAX_NODE_ID);
      }
      int unknownPeerFlags = peerFlagBits & ~peerBitsOf(EnumSet.allOf(PeerSlotFlag.class));
      if (unknownPeerFlags != 0) {
        throw invalid("peer slot " + i + " flags", "unknown bits " + Checksums.hex(unknownPeerFlags));
      }
      if (reserved != 0) {
        throw invalid("peer slot " + i + " reserved bytes", "are not zero");
      }
      slots.add(new PeerSlot(peerNodeId, peerBitmapUuid, peerFlagsOf(peerFlagBits)));
    }
    for (int at = OFFSET_RESERVED; at < OFFSET_CHECKSUM; at++) {
      if (bytes[at] != 0) {
        throw invalid("reserved bytes " + OFFSET_RESERVED + ".." + (OFFSET_CHECKSUM - 1),
            "byte " + at + " is not zero");
      }
    }
    return new Superblock(sequence, volumeSizeBytes, nodeId, flagsOf(flagBits), activityLogBlocks,
        currentUuid, bitmapUuid, history, slots);
  }

  private static void checkStored(ByteBuffer buffer, int offset, String field, long expected)
      throws MetadataFormatException {
    long stored = buffer.getLong(offset);
    if (stored != expected) {
      throw invalid(field, "stored " + stored + ", the geometry gives " + expected);
    }
  }

  private static MetadataFormatException invalid(String field, String detail) {
    return new MetadataFormatException("invalid superblock " + field, detail);
  }

  private static int bitsOf(Set<SuperblockFlag> flags) {
    int bits = 0;
    for (SuperblockFlag flag : flags) {
      bits |= 1 << flag.bit();
    }
    return bits;
  }

  private static Set<SuperblockFlag> flagsOf(int bits) {
    Set<SuperblockFlag> flags = EnumSet.noneOf(SuperblockFlag.class);
    for (SuperblockFlag flag : SuperblockFlag.values()) {
      if ((bits & (1 << flag.bit())) != 0) {
        flags.add(flag);
      }
    }
    return flags;
  }

  private static int peerBitsOf(Set<PeerSlotFlag> flags) {
    int bits = 0;
    for (PeerSlotFlag flag : flags) {
      bits |= 1 << flag.bit();
    }
    return bits;
  }

  private static Set<PeerSlotFlag> peerFlagsOf(int bits) {
    Set<PeerSlotFlag> flags = EnumSet.noneOf(PeerSlotFlag.class);
    for (PeerSlotFlag flag : PeerSlotFlag.values()) {
      if ((bits & (1 << flag.bit())) != 0) {
        flags.add(flag);
      }
    }
    return flags;
  }
}
