package io.tandem.engine.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Replays the activity-log ring (DRBD-REFERENCE.md §3.4, our format): a pure function from the
 * ring's blocks to the hot extents.
 *
 * <p>Rules. Let {@code last} be the highest sequence among the intact transactions (magic, checksum
 * and fields good) and {@code n} the ring size. The newest {@code n-1} transactions, {@code max(1, last-n+2)..last},
 * form the live window; transaction {@code s} must sit in block {@code s % n}. The writer syncs each
 * transaction before writing the next, so after a crash at most one block is bad: the one the next
 * transaction {@code last+1} was being written to, block {@code (last+1) % n}. That block is ignored
 * whatever it holds (a torn write, or the old transaction it was overwriting) — so a writer may rely
 * on its newest {@code n-1} transactions only, and must carry a still-hot extent forward before
 * the block naming it is overwritten. Any other bad block —
 * a checksum mismatch, a transaction in the wrong block, a gap, or data in a block the ring has not
 * reached yet — is corruption in the middle of the log, and the replay refuses.
 *
 * <p>The hot extents are those of the newest {@link TransactionType#SNAPSHOT} in the window plus
 * every {@link TransactionType#UPDATE} after it (or of every update in the window if there is no
 * snapshot).
 */
public final class ActivityLogReplay {

  /**
   * The replay's outcome.
   *
   * @param lastSequence the newest intact transaction's sequence, 0 if none
   * @param window the transactions that count, oldest first (at most ring size - 1)
   */
  public record Result(long lastSequence, List<ActivityLogTransaction> window) {
    public Result {
      window = List.copyOf(window);
    }

    public long nextSequence() {
      return lastSequence + 1;
    }

    /** The outcome after {@code next} was written to a ring of {@code ringBlocks}. */
    public Result after(ActivityLogTransaction next, int ringBlocks) {
      List<ActivityLogTransaction> newer = new ArrayList<>(window);
      newer.add(next);
      while (newer.size() > ringBlocks - 1) {
        newer.remove(0);
      }
      return new Result(next.sequence(), newer);
    }

    /** Extents of the newest snapshot in the window plus those of every update after it. */
    public SortedSet<Long> hotExtents() {
      SortedSet<Long> hot = new TreeSet<>();
      for (ActivityLogTransaction transaction : window) {
        if (transaction.type() == TransactionType.SNAPSHOT) {
          hot.clear();
        }
        hot.addAll(transaction.extents());
      }
      return Collections.unmodifiableSortedSet(hot);
    }
  }

  private ActivityLogReplay() {}

  public static Result replay(List<byte[]> ring) throws MetadataFormatException {
    int n = ring.size();
    List<ActivityLogTransaction> decoded = new ArrayList<>(Collections.nCopies(n, null));
    List<String> problems = new ArrayList<>(Collections.nCopies(n, null));
    long last = 0;
    for (int block = 0; block < n; block++) {
      byte[] bytes = ring.get(block);
      if (ActivityLogTransactionCodec.isBlank(bytes)) {
        continue;
      }
      try {
        ActivityLogTransaction transaction = ActivityLogTransactionCodec.decode(bytes);
        decoded.set(block, transaction);
        last = Math.max(last, transaction.sequence());
      } catch (MetadataFormatException e) {
        problems.set(block, e.getMessage());
      }
    }
    int ignoredBlock = (int) ((last + 1) % n);
    long first = Math.max(1, last - n + 2);
    List<ActivityLogTransaction> window = new ArrayList<>();
    for (int block = 0; block < n; block++) {
      if (block == ignoredBlock) {
        continue;
      }
      long expected = expectedSequence(block, first, last, n);
      ActivityLogTransaction found = decoded.get(block);
      if (problems.get(block) != null) {
        throw corrupt(block, expected, last, problems.get(block));
      }
      if (expected == 0) {
        if (found != null || !ActivityLogTransactionCodec.isBlank(ring.get(block))) {
          throw corrupt(block, expected, last, "holds transaction " + found.sequence()
              + " where the ring has not reached yet");
        }
        continue;
      }
      if (found == null) {
        throw corrupt(block, expected, last, "is blank");
      }
      if (found.sequence() != expected) {
        throw corrupt(block, expected, last, "holds transaction " + found.sequence());
      }
      window.add(found);
    }
    window.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
    return new Result(last, window);
  }

  /** The sequence block {@code block} must hold in the window first..last, or 0 if none. */
  private static long expectedSequence(int block, long first, long last, int n) {
    if (last == 0) {
      return 0;
    }
    long offset = Math.floorMod(block - first, (long) n);
    long sequence = first + offset;
    return sequence <= last ? sequence : 0;
  }

  private static MetadataFormatException corrupt(int block, long expected, long last, String what) {
    String expectation = expected == 0 ? "blank expected" : "transaction " + expected + " expected";
    return new MetadataFormatException("activity log corrupted before its last transaction",
        "block " + block + " (" + expectation + ", last intact transaction " + last + ") " + what);
  }
}
