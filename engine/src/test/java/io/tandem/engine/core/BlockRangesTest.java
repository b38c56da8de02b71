package io.tandem.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The merged runs against a plain set of block numbers. */
class BlockRangesTest {

  @Property(tries = 2000)
  void matchesASetOfBlocksThroughAddsAndRemoves(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 63) Integer> firsts,
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 9) Integer> lengths,
      @ForAll @Size(max = 40) List<Boolean> removes) {
    BlockRanges ranges = new BlockRanges();
    TreeSet<Long> oracle = new TreeSet<>();
    int steps = Math.min(firsts.size(), Math.min(lengths.size(), removes.size()));
    for (int i = 0; i < steps; i++) {
      long first = firsts.get(i);
      long last = first + lengths.get(i);
      if (removes.get(i)) {
        ranges.remove(first, last);
        oracle.subSet(first, true, last, true).clear();
      } else {
        ranges.add(first, last);
        for (long block = first; block <= last; block++) {
          oracle.add(block);
        }
      }
    }
    TreeSet<Long> held = new TreeSet<>();
    long previousLast = -2;
    for (long[] run : ranges.runs()) {
      assertThat(run[0]).as("runs are disjoint, merged and in order").isGreaterThan(previousLast + 1);
      assertThat(run[1]).isGreaterThanOrEqualTo(run[0]);
      for (long block = run[0]; block <= run[1]; block++) {
        held.add(block);
      }
      previousLast = run[1];
    }
    assertThat(held).isEqualTo(oracle);
    for (long block = 0; block < 80; block++) {
      long until = ranges.until(block);
      if (oracle.contains(block)) {
        assertThat(oracle.contains(until) && !oracle.contains(until + 1)).isTrue();
        assertThat(oracle.subSet(block, true, until, true)).hasSize((int) (until - block + 1));
      } else {
        assertThat(until).isEqualTo(-1);
      }
    }
    assertThat(ranges.isEmpty()).isEqualTo(oracle.isEmpty());
  }

  @Test
  void tooManyRunsAreForgotten() {
    BlockRanges ranges = new BlockRanges();
    List<Long> firsts = new ArrayList<>();
    for (long run = 0; run <= BlockRanges.MAX_RUNS; run++) {
      firsts.add(run * 2);
    }
    for (long first : firsts) {
      ranges.add(first, first);
    }
    assertThat(ranges.isEmpty()).isTrue();
    ranges.add(5, 7);
    assertThat(ranges.runs()).containsExactly(new long[] {5, 7});
  }
}
