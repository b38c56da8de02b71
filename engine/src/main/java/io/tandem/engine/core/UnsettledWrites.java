package io.tandem.engine.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of writes received from a Primary that was lost before they settled, each with the
 * writer's sequence: a peer may have missed them, or may hold a later write of the same blocks.
 * Past {@link #MAX_WRITES} it forgets everything (the cautious answer: nothing is newer here).
 */
final class UnsettledWrites {

  static final int MAX_WRITES = 1 << 16;

  private final List<long[]> writes = new ArrayList<>();

  void add(long first, long last, long sequence) {
    writes.add(new long[] {first, last, sequence});
    if (writes.size() > MAX_WRITES) {
      writes.clear();
    }
  }

  /** Forgets every write that touches the blocks {@code first} to {@code last}. */
  void remove(long first, long last) {
    writes.removeIf(write -> write[0] <= last && first <= write[1]);
  }

  void clear() {
    writes.clear();
  }

  boolean isEmpty() {
    return writes.isEmpty();
  }

  /**
   * The runs (first and last block) of the writes a peer that counted {@code peerWrites} of the
   * generation's writes cannot have overwritten: those from sequence {@code peerWrites} on.
   */
  List<long[]> notOverwrittenBy(long peerWrites) {
    List<long[]> runs = new ArrayList<>();
    for (long[] write : writes) {
      if (write[2] >= peerWrites) {
        runs.add(new long[] {write[0], write[1]});
      }
    }
    return runs;
  }
}
