package io.tandem.engine.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of block numbers kept as disjoint, merged runs. It holds at most {@link #MAX_RUNS} runs;
 * past that it forgets everything: the set only refines what a bitmap already marks, and an empty
 * set is the cautious answer.
 */
final class BlockRanges {

  static final int MAX_RUNS = 1 << 16;

  /** First block of each run to its last block. */
  private final TreeMap<Long, Long> runs = new TreeMap<>();

  /** Adds the blocks {@code first} to {@code last}, both included. */
  void add(long first, long last) {
    if (first > last) {
      return;
    }
    long from = first;
    long to = last;
    Map.Entry<Long, Long> before = runs.floorEntry(first);
    if (before != null && before.getValue() >= first - 1) {
      from = before.getKey();
      to = Math.max(to, before.getValue());
      runs.remove(before.getKey());
    }
    Map.Entry<Long, Long> next = runs.ceilingEntry(from);
    while (next != null && next.getKey() <= to + 1) {
      to = Math.max(to, next.getValue());
      runs.remove(next.getKey());
      next = runs.ceilingEntry(from);
    }
    runs.put(from, to);
    if (runs.size() > MAX_RUNS) {
      runs.clear();
    }
  }

  /** Removes the blocks {@code first} to {@code last}, both included. */
  void remove(long first, long last) {
    if (first > last || runs.isEmpty()) {
      return;
    }
    Map.Entry<Long, Long> before = runs.lowerEntry(first);
    if (before != null && before.getValue() >= first) {
      runs.put(before.getKey(), first - 1);
      if (before.getValue() > last) {
        runs.put(last + 1, before.getValue());
        return;
      }
    }
    Map.Entry<Long, Long> next = runs.ceilingEntry(first);
    while (next != null && next.getKey() <= last) {
      runs.remove(next.getKey());
      if (next.getValue() > last) {
        runs.put(last + 1, next.getValue());
      }
      next = runs.ceilingEntry(first);
    }
  }

  /** The last block of the run that holds {@code block}, or -1 if none does. */
  long until(long block) {
    Map.Entry<Long, Long> run = runs.floorEntry(block);
    return run != null && run.getValue() >= block ? run.getValue() : -1;
  }

  boolean isEmpty() {
    return runs.isEmpty();
  }

  void clear() {
    runs.clear();
  }

  /** The runs as pairs of first and last block, in block order. */
  List<long[]> runs() {
    List<long[]> list = new ArrayList<>(runs.size());
    for (Map.Entry<Long, Long> run : runs.entrySet()) {
      list.add(new long[] {run.getKey(), run.getValue()});
    }
    return list;
  }
}
