package io.tandem.engine.activitylog;

import io.tandem.engine.metadata.ActivityLogTransaction;
import io.tandem.engine.metadata.TransactionType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The hot extents of one volume and the policy for the next transaction (see package-info for the
 * invariants). One transaction is in flight at a time: {@link #plan} hands it out, {@link #committed}
 * reports it durable.
 *
 * <p>Single-threaded, like the core that owns it.
 */
public final class ActivityLog {

  /** DRBD's default {@code al-extents}. */
  public static final int DEFAULT_CAPACITY = 1237;

  private final int capacity;
  private final int window;
  /** Hot extents in least-recently-used order (access order). */
  private final LinkedHashMap<Long, HotExtent> hot = new LinkedHashMap<>(64, 0.75f, true);
  private long lastSequence;
  private ActivityLogPlan inFlight;

  private static final class HotExtent {
    long lastNamed;
    int pins;

    HotExtent(long lastNamed) {
      this.lastNamed = lastNamed;
    }
  }

  /**
   * @param capacity the most extents hot at once
   * @param ringBlocks the ring size of the metadata file (the window is {@code ringBlocks − 1})
   * @param lastSequence the sequence of the newest durable transaction; the log starts with no hot
   *     extent, so the caller has just written a SNAPSHOT of none (or nothing was ever written)
   */
  public ActivityLog(int capacity, int ringBlocks, long lastSequence) {
    int windowSize = ringBlocks - 1;
    if (windowSize < 1) {
      throw new IllegalArgumentException("a ring of " + ringBlocks + " blocks has no window");
    }
    long maximum = (long) windowSize * ActivityLogTransaction.MAX_EXTENTS / 2;
    if (capacity < 1 || capacity > maximum) {
      throw new IllegalArgumentException("activity-log capacity " + capacity + " is not within 1.." + maximum
          + " for a ring of " + ringBlocks + " blocks");
    }
    this.capacity = capacity;
    this.window = windowSize;
    this.lastSequence = lastSequence;
  }

  public int capacity() {
    return capacity;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public boolean transactionInFlight() {
    return inFlight != null;
  }

  public int hotCount() {
    return hot.size();
  }

  public boolean isHot(long extent) {
    return hot.containsKey(extent);
  }

  /** The hot extents, ascending. */
  public SortedSet<Long> hotExtents() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(hot.keySet()));
  }

  /** The number of writes in flight in {@code extent} (0 if it is not hot). */
  public int pins(long extent) {
    HotExtent entry = hot.get(extent);
    return entry == null ? 0 : entry.pins;
  }

  /**
   * If every extent of {@code range} is hot, pins them (they will not be evicted until unpinned)
   * and returns true; otherwise changes nothing and returns false.
   */
  public boolean tryPin(ExtentRange range) {
    for (long extent = range.first(); extent <= range.last(); extent++) {
      if (!hot.containsKey(extent)) {
        return false;
      }
    }
    for (long extent = range.first(); extent <= range.last(); extent++) {
      hot.get(extent).pins++;
    }
    return true;
  }

  /** Releases the pins of a {@link #tryPin} that succeeded. */
  public void unpin(ExtentRange range) {
    for (long extent = range.first(); extent <= range.last(); extent++) {
      HotExtent entry = hot.get(extent);
      if (entry == null || entry.pins == 0) {
        throw new IllegalStateException("extent " + extent + " is not pinned");
      }
      entry.pins--;
    }
  }

  /**
   * The next transaction for the requests waiting for cold extents, in arrival order, or null if
   * none can be written now (one is in flight, nobody waits, or the first waiting request cannot
   * get room until pinned extents are released). Requests are served in order: a request is taken
   * into the plan only if every request before it was, so none starves; the hot extents of the
   * requests taken are kept from eviction.
   */
  public ActivityLogPlan plan(List<ExtentRange> waiting) {
    if (inFlight != null || waiting.isEmpty()) {
      return null;
    }
    long sequence = lastSequence + 1;
    List<Long> carried = new ArrayList<>();
    for (Map.Entry<Long, HotExtent> entry : hot.entrySet()) {
      if (entry.getValue().lastNamed <= sequence - window) {
        carried.add(entry.getKey());
      }
    }
    int room = ActivityLogTransaction.MAX_EXTENTS - carried.size();
    Set<Long> protectedExtents = new HashSet<>();
    SortedSet<Long> added = new TreeSet<>();
    int evictable = evictableCount(protectedExtents);
    for (ExtentRange request : waiting) {
      List<Long> cold = new ArrayList<>();
      List<Long> newlyProtected = new ArrayList<>();
      for (long extent = request.first(); extent <= request.last(); extent++) {
        HotExtent entry = hot.get(extent);
        if (entry == null) {
          if (!added.contains(extent)) {
            cold.add(extent);
          }
        } else if (entry.pins == 0 && protectedExtents.add(extent)) {
          newlyProtected.add(extent);
        }
      }
      int evictableAfter = evictable - newlyProtected.size();
      boolean fits = cold.size() <= room
          && hot.size() + added.size() + cold.size() - evictableAfter <= capacity;
      if (!fits) {
        protectedExtents.removeAll(newlyProtected);
        break;
      }
      added.addAll(cold);
      room -= cold.size();
      evictable = evictableAfter;
    }
    if (added.isEmpty()) {
      return null;
    }
    List<Long> evicted = new ArrayList<>();
    int excess = hot.size() + added.size() - capacity;
    Iterator<Map.Entry<Long, HotExtent>> leastRecentFirst = hot.entrySet().iterator();
    while (excess > 0) {
      Map.Entry<Long, HotExtent> entry = leastRecentFirst.next();
      if (entry.getValue().pins == 0 && !protectedExtents.contains(entry.getKey())) {
        evicted.add(entry.getKey());
        leastRecentFirst.remove();
        excess--;
      }
    }
    carried.removeAll(evicted);
    List<Long> named = new ArrayList<>(added);
    named.addAll(carried);
    Collections.sort(named);
    inFlight = new ActivityLogPlan(new ActivityLogTransaction(sequence, TransactionType.UPDATE, named),
        List.copyOf(added), carried, evicted);
    return inFlight;
  }

  private int evictableCount(Set<Long> protectedExtents) {
    int count = 0;
    for (Map.Entry<Long, HotExtent> entry : hot.entrySet()) {
      if (entry.getValue().pins == 0 && !protectedExtents.contains(entry.getKey())) {
        count++;
      }
    }
    return count;
  }

  /** The transaction of the plan in flight is durable: its extents are hot from now on. */
  public void committed(ActivityLogPlan plan) {
    if (plan != inFlight) {
      throw new IllegalStateException("transaction " + plan.transaction().sequence() + " is not the one in flight");
    }
    long sequence = plan.transaction().sequence();
    for (long extent : plan.carried()) {
      HotExtent entry = hot.get(extent);
      if (entry != null) {
        entry.lastNamed = sequence;
      }
    }
    for (long extent : plan.added()) {
      HotExtent entry = hot.get(extent);
      if (entry == null) {
        hot.put(extent, new HotExtent(sequence));
      } else {
        entry.lastNamed = sequence;
      }
    }
    lastSequence = sequence;
    inFlight = null;
    checkInvariants();
  }

  /**
   * Throws if an invariant does not hold: capacity respected, and every hot extent named by a
   * durable transaction still inside the window.
   */
  public void checkInvariants() {
    if (hot.size() > capacity) {
      throw new IllegalStateException(hot.size() + " hot extents exceed the capacity of " + capacity);
    }
    for (Map.Entry<Long, HotExtent> entry : hot.entrySet()) {
      long lastNamed = entry.getValue().lastNamed;
      if (lastNamed <= lastSequence - window || lastNamed > lastSequence) {
        throw new IllegalStateException("hot extent " + entry.getKey() + " was last named by transaction "
            + lastNamed + ", outside the window ending at " + lastSequence);
      }
    }
  }
}
