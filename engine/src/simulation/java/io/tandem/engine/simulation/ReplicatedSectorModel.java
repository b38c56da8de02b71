package io.tandem.engine.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients' knowledge of one volume of a replicated resource, per 512-byte sector: every write
 * ever issued to it on any node, in the order the clients issued them (the sector content is that of
 * {@link SectorModel}: each written sector names its write; zeros are write 0).
 *
 * <p>Time is counted in <em>stamps</em>: one per event the simulation hands to a core, so "before"
 * and "after" are exact even within one instant of the virtual clock. A <em>tenure</em> is one
 * stretch of one node being Primary, from its promotion to its demotion or its end (crash, kill);
 * tenures are numbered across the cluster and never reused.
 *
 * <p>A write version is <em>durable</em> once it completed OK and then either it was a FUA write,
 * or a FLUSH issued on the same node in the same tenure after its completion completed OK. A FLUSH
 * is taken to make the writes it covers durable on every replica that may serve the data later
 * (the barriers of the replication protocol), so a durable version survives crashes, partitions and
 * failovers. Writes completed in an earlier tenure are never made durable by a later flush: between
 * the two, a resync may have replaced the node's data with a peer's, which an acknowledged but
 * unflushed write may legitimately be missing from.
 *
 * <p>The rules, for one sector:
 * <ul>
 *   <li>a read issued on a node in tenure {@code t} returns the newest of (the last version
 *       completed in {@code t} before the read was issued, the newest version durable before the
 *       read was issued), or any version issued after that one and before the read completed (in
 *       flight, unacknowledged, failed or written through another node: it may or may not have
 *       reached the data the read was served from); a sector nothing was ever written to reads as
 *       zeros;</li>
 *   <li>at the end, when every replica is connected and in sync, the sector holds its newest
 *       durable version or any version issued after it; never an older one, never anything no
 *       write put there.</li>
 * </ul>
 */
final class ReplicatedSectorModel {

  /** One write to one sector. */
  static final class Version {
    final long writeId;
    final int index;
    final long issued;
    long completed = -1;
    /** The tenure the node that completed it was in (0: not Primary). */
    int tenure;
    long durable = -1;
    boolean failed;

    Version(long writeId, int index, long issued) {
      this.writeId = writeId;
      this.index = index;
      this.issued = issued;
    }

    @Override
    public String toString() {
      return "write " + writeId + (completed < 0 ? failed ? " (failed)" : " (not completed)"
          : " (completed at " + completed + " in tenure " + tenure + (durable < 0 ? "" : ", durable at " + durable)
          + ")");
    }
  }

  private final Map<Long, List<Version>> sectors = new HashMap<>();
  /** Per tenure, its completed versions a FLUSH of that tenure may still make durable. */
  private final Map<Integer, List<Version>> completedNotDurable = new HashMap<>();

  /** Records a write (or zeros, {@code writeId} 0) of {@code length} bytes at {@code offset}, issued now. */
  List<Version> issue(long writeId, long offset, int length, long stamp) {
    List<Version> versions = new ArrayList<>();
    for (long sector = offset / SectorModel.SECTOR; sector < (offset + length) / SectorModel.SECTOR; sector++) {
      List<Version> history = sectors.computeIfAbsent(sector, s -> new ArrayList<>());
      Version version = new Version(writeId, history.size(), stamp);
      history.add(version);
      versions.add(version);
    }
    return versions;
  }

  /** The versions completed OK on a node in {@code tenure}; FUA ones are durable at once. */
  void completed(List<Version> versions, long stamp, int tenure, boolean fua) {
    for (Version version : versions) {
      version.completed = stamp;
      version.tenure = tenure;
      if (fua) {
        version.durable = stamp;
      } else if (tenure != 0) {
        completedNotDurable.computeIfAbsent(tenure, t -> new ArrayList<>()).add(version);
      }
    }
  }

  /** The versions' write failed (it may still have reached some replica). */
  void failed(List<Version> versions) {
    for (Version version : versions) {
      version.failed = true;
    }
  }

  /**
   * A FLUSH issued at {@code flushIssued} in {@code tenure} completed OK: the versions completed in
   * that tenure before it was issued are durable.
   */
  void flushed(int tenure, long flushIssued, long stamp) {
    List<Version> waiting = completedNotDurable.get(tenure);
    if (waiting == null) {
      return;
    }
    waiting.removeIf(version -> {
      if (version.completed < flushIssued) {
        version.durable = stamp;
        return true;
      }
      return false;
    });
  }

  /** A tenure ended: no later FLUSH makes its unflushed versions durable. */
  void tenureEnded(int tenure) {
    completedNotDurable.remove(tenure);
  }

  /** Whether any write was ever issued to the sector (else it must read as zeros). */
  boolean touched(long sector) {
    return sectors.containsKey(sector);
  }

  /**
   * Checks a read of {@code sector} that returned {@code writeId}, issued at {@code issued} in
   * {@code tenure} and completed at {@code completed}.
   *
   * @throws AssertionError naming what the sector could have held
   */
  void checkRead(long sector, long writeId, long issued, long completed, int tenure) {
    List<Version> history = sectors.getOrDefault(sector, List.of());
    int settled = -1;
    for (Version version : history) {
      boolean ownCompleted = tenure != 0 && version.tenure == tenure && version.completed >= 0
          && version.completed < issued;
      boolean durable = version.durable >= 0 && version.durable < issued;
      if (ownCompleted || durable) {
        settled = version.index;
      }
    }
    List<Long> allowed = new ArrayList<>();
    allowed.add(settled < 0 ? 0 : history.get(settled).writeId);
    for (int i = settled + 1; i < history.size(); i++) {
      if (history.get(i).issued < completed) {
        allowed.add(history.get(i).writeId);
      }
    }
    if (!allowed.contains(writeId)) {
      throw new AssertionError("a read of sector " + sector + " (issued at stamp " + issued + " in tenure " + tenure
          + ") returned write " + writeId + ", allowed " + allowed + "; the sector's history: " + describe(history));
    }
  }

  /**
   * Checks what {@code sector} holds at the end, every replica in sync.
   *
   * @throws AssertionError if a durable write was lost or an older one came back
   */
  void checkFinal(long sector, long writeId) {
    List<Version> history = sectors.getOrDefault(sector, List.of());
    int newestDurable = -1;
    for (Version version : history) {
      if (version.durable >= 0) {
        newestDurable = version.index;
      }
    }
    List<Long> allowed = new ArrayList<>();
    allowed.add(newestDurable < 0 ? 0 : history.get(newestDurable).writeId);
    for (int i = newestDurable + 1; i < history.size(); i++) {
      allowed.add(history.get(i).writeId);
    }
    if (!allowed.contains(writeId)) {
      throw new AssertionError("in the end sector " + sector + " holds write " + writeId + ", allowed " + allowed
          + " (a durable write was lost or an older one came back); the sector's history: " + describe(history));
    }
  }

  /** The newest versions of a sector's history, for a message. */
  private static String describe(List<Version> history) {
    int shown = Math.min(history.size(), 8);
    String newest = history.subList(history.size() - shown, history.size()).toString();
    return history.size() > shown ? (history.size() - shown) + " older, then " + newest : newest;
  }
}
