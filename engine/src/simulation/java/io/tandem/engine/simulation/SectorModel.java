package io.tandem.engine.simulation;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's knowledge of one volume, per 512-byte sector: every write ever issued to it, in
 * order, with when it was issued and completed, so a read or a post-crash scan can be checked
 * against exactly the values the sector may hold.
 *
 * <p>Each written sector is self-describing: the write's id (8 bytes), the sector number (8 bytes),
 * repeated. A sector of zeros is id 0 (never written, trimmed or zeroed).
 */
final class SectorModel {

  static final int SECTOR = 512;

  /** One write to a sector; {@code completedAt} is -1 until it completes (and stays so if it failed). */
  static final class Version {
    final long writeId;
    final long issuedAt;
    long completedAt = -1;
    /** Known durable: completed before a FLUSH was issued that then completed, or a FUA write. */
    boolean durable;
    boolean failed;

    Version(long writeId, long issuedAt) {
      this.writeId = writeId;
      this.issuedAt = issuedAt;
    }
  }

  private final Map<Long, List<Version>> sectors = new HashMap<>();
  /** Completed versions not yet known durable: what the next completed FLUSH may make durable. */
  private final List<Version> completedNotDurable = new ArrayList<>();
  private static final byte[] ZERO_SECTOR = new byte[SECTOR];

  /** Fills {@code length} bytes of self-describing content for write {@code writeId} at {@code offset}. */
  static ByteBuffer content(long writeId, long offset, int length) {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    for (int at = 0; at < length; at += 16) {
      long sector = (offset + at) / SECTOR;
      buffer.putLong(at, writeId);
      buffer.putLong(at + 8, sector);
    }
    return buffer;
  }

  /** The write id a sector's bytes name, or a description of why they name none. */
  static long decode(ByteBuffer bytes, int at, long sector) {
    long writeId = bytes.getLong(at);
    for (int i = 0; i < SECTOR; i += 16) {
      long id = bytes.getLong(at + i);
      long number = bytes.getLong(at + i + 8);
      boolean zero = id == 0 && number == 0;
      if (!(zero && writeId == 0) && !(id == writeId && number == sector)) {
        throw new AssertionError("sector " + sector + " holds bytes no single write put there (word " + i
            + ": id " + id + ", sector " + number + "; first word names write " + writeId + ")");
      }
    }
    return writeId;
  }

  List<Version> issue(long writeId, long offset, int length, long now) {
    List<Version> versions = new ArrayList<>();
    for (long sector = offset / SECTOR; sector < (offset + length) / SECTOR; sector++) {
      Version version = new Version(writeId, now);
      sectors.computeIfAbsent(sector, s -> new ArrayList<>()).add(version);
      versions.add(version);
    }
    return versions;
  }

  /** A version completed; unless it was a FUA write, a later FLUSH makes it durable. */
  void completed(Version version, long now, boolean fua) {
    version.completedAt = now;
    version.durable = fua;
    if (!fua) {
      completedNotDurable.add(version);
    }
  }

  /** Every version completed before {@code flushIssuedAt} becomes durable (the flush completed). */
  void flushed(long flushIssuedAt) {
    completedNotDurable.removeIf(version -> {
      if (version.completedAt <= flushIssuedAt) {
        version.durable = true;
        return true;
      }
      return false;
    });
  }

  /** Whether the model knows any write to this sector (else it must read as zeros). */
  boolean touched(long sector) {
    return sectors.containsKey(sector);
  }

  /** Whether the sector at {@code at} in {@code bytes} is all zeros. */
  static boolean isZero(byte[] bytes, int at) {
    return java.util.Arrays.mismatch(bytes, at, at + SECTOR, ZERO_SECTOR, 0, SECTOR) < 0;
  }

  /** Forgets versions that can no longer matter: the sectors' histories are reset by the crash check. */
  void crashed() {
    completedNotDurable.clear();
  }

  /**
   * Checks a read of sector {@code sector} issued at {@code issuedAt} and completed at
   * {@code completedAt}: it returns the last write completed before the read was issued, or a
   * write overlapping the read in time.
   */
  void checkRead(long sector, long writeId, long issuedAt, long completedAt, long seed) {
    List<Version> versions = sectors.getOrDefault(sector, List.of());
    List<Long> allowed = new ArrayList<>();
    long settled = 0;
    for (Version version : versions) {
      if (version.completedAt >= 0 && version.completedAt < issuedAt) {
        settled = version.writeId;
      } else if (version.issuedAt < completedAt && !version.failed) {
        allowed.add(version.writeId);
      }
    }
    allowed.add(settled);
    if (!allowed.contains(writeId)) {
      throw new AssertionError("seed " + seed + ": read of sector " + sector + " returned write " + writeId
          + ", allowed " + allowed);
    }
  }

  /**
   * Checks a sector after a crash: it holds the newest durable version or any version issued after
   * it (they may or may not have reached the disk), never an older one and nothing else. Then the
   * sector's history is reset to what it holds, durable.
   */
  void checkAfterCrash(long sector, long writeId, long seed) {
    List<Version> versions = sectors.getOrDefault(sector, List.of());
    int newestDurable = -1;
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).durable) {
        newestDurable = i;
      }
    }
    List<Long> allowed = new ArrayList<>();
    allowed.add(newestDurable < 0 ? 0 : versions.get(newestDurable).writeId);
    for (int i = newestDurable + 1; i < versions.size(); i++) {
      allowed.add(versions.get(i).writeId);
    }
    if (!allowed.contains(writeId)) {
      throw new AssertionError("seed " + seed + ": after the crash sector " + sector + " holds write " + writeId
          + ", allowed " + allowed + " (an acknowledged, flushed write was lost or an old one came back)");
    }
    if (writeId == 0 && newestDurable < 0 && versions.isEmpty()) {
      return;
    }
    Version survivor = new Version(writeId, -1);
    survivor.completedAt = 0;
    survivor.durable = true;
    List<Version> reset = new ArrayList<>();
    reset.add(survivor);
    sectors.put(sector, reset);
  }
}
