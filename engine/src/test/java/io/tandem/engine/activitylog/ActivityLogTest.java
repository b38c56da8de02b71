package io.tandem.engine.activitylog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.metadata.ActivityLogTransaction;
import io.tandem.engine.metadata.TransactionType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ActivityLogTest {

  @Test
  void aColdExtentBecomesHotOnlyWhenItsTransactionIsDurable() {
    ActivityLog log = new ActivityLog(4, 4, 0);
    ExtentRange range = new ExtentRange(7, 8);
    assertThat(log.tryPin(range)).isFalse();

    ActivityLogPlan plan = log.plan(List.of(range));
    assertThat(plan.transaction().sequence()).isEqualTo(1);
    assertThat(plan.transaction().type()).isEqualTo(TransactionType.UPDATE);
    assertThat(plan.added()).containsExactly(7L, 8L);
    assertThat(log.tryPin(range)).isFalse();
    assertThat(log.plan(List.of(new ExtentRange(1, 1)))).as("one transaction at a time").isNull();

    log.committed(plan);
    assertThat(log.tryPin(range)).isTrue();
    assertThat(log.pins(7)).isEqualTo(1);
  }

  @Test
  void evictsTheLeastRecentlyUsedUnpinnedExtentForRoom() {
    ActivityLog log = new ActivityLog(2, 8, 0);
    log.committed(log.plan(List.of(new ExtentRange(1, 2))));
    assertThat(log.tryPin(new ExtentRange(1, 1))).isTrue();
    log.unpin(new ExtentRange(1, 1));
    // extent 2 is now the least recently used
    ActivityLogPlan plan = log.plan(List.of(new ExtentRange(3, 3)));
    assertThat(plan.evicted()).containsExactly(2L);
    log.committed(plan);
    assertThat(log.hotExtents()).containsExactly(1L, 3L);
  }

  @Test
  void pinnedExtentsAreNeverEvictedAndTheWaitingRequestWaits() {
    ActivityLog log = new ActivityLog(2, 8, 0);
    log.committed(log.plan(List.of(new ExtentRange(1, 2))));
    assertThat(log.tryPin(new ExtentRange(1, 2))).isTrue();
    assertThat(log.plan(List.of(new ExtentRange(3, 3)))).isNull();
    log.unpin(new ExtentRange(2, 2));
    assertThat(log.plan(List.of(new ExtentRange(3, 3))).evicted()).containsExactly(2L);
  }

  @Test
  void carriesAHotExtentForwardBeforeItLeavesTheWindow() {
    ActivityLog log = new ActivityLog(8, 3, 0); // window of 2 transactions
    log.committed(log.plan(List.of(new ExtentRange(1, 1))));
    log.committed(log.plan(List.of(new ExtentRange(2, 2))));
    ActivityLogPlan third = log.plan(List.of(new ExtentRange(3, 3)));
    assertThat(third.carried()).containsExactly(1L);
    assertThat(third.transaction().extents()).containsExactly(1L, 3L);
  }

  @Test
  void servesWaitingRequestsInOrderSoNoneStarves() {
    ActivityLog log = new ActivityLog(2, 8, 0);
    ActivityLogPlan plan = log.plan(List.of(new ExtentRange(1, 2), new ExtentRange(3, 3)));
    assertThat(plan.added()).containsExactly(1L, 2L);
  }

  @Test
  void refusesACapacityTheRingCannotCarry() {
    assertThatThrownBy(() -> new ActivityLog(2000, 3, 0)).hasMessageContaining("not within 1..1018");
  }

  /**
   * Against a naive model of the ring: after every committed transaction, replaying the newest
   * window of transactions finds every hot extent, and every pinned extent is hot. Requests are
   * random 1–2 extent ranges over a few extents, so eviction and carrying happen constantly.
   */
  @Property(tries = 300)
  void theWindowAlwaysCoversEveryHotExtent(@ForAll long seed, @ForAll @IntRange(min = 2, max = 6) int capacity,
      @ForAll @IntRange(min = 2, max = 6) int ringBlocks) {
    Random random = new Random(seed);
    ActivityLog log = new ActivityLog(capacity, ringBlocks, 0);
    List<ActivityLogTransaction> durable = new ArrayList<>();
    Deque<ExtentRange> waiting = new ArrayDeque<>();
    List<ExtentRange> inFlightWrites = new ArrayList<>();
    ActivityLogPlan pending = null;
    for (int step = 0; step < 400; step++) {
      int action = random.nextInt(4);
      if (action == 0) {
        long first = random.nextInt(10);
        ExtentRange range = new ExtentRange(first, first + random.nextInt(Math.min(2, capacity)));
        waiting.addLast(range);
      } else if (action == 1 && !inFlightWrites.isEmpty()) {
        log.unpin(inFlightWrites.remove(random.nextInt(inFlightWrites.size())));
      } else if (action == 2 && pending != null) {
        log.committed(pending);
        durable.add(pending.transaction());
        pending = null;
      }
      while (!waiting.isEmpty() && log.tryPin(waiting.peekFirst())) {
        inFlightWrites.add(waiting.removeFirst());
      }
      if (pending == null) {
        pending = log.plan(new ArrayList<>(waiting));
        if (pending != null) {
          for (long extent : pending.evicted()) {
            assertThat(log.pins(extent)).isZero();
          }
        }
      }
      SortedSet<Long> replayed = replay(durable, ringBlocks);
      assertThat(replayed).containsAll(log.hotExtents());
      for (ExtentRange write : inFlightWrites) {
        for (long extent = write.first(); extent <= write.last(); extent++) {
          assertThat(log.isHot(extent)).isTrue();
        }
      }
      assertThat(log.hotCount()).isLessThanOrEqualTo(capacity);
    }
  }

  /** The naive replay: every extent named by the newest ringBlocks − 1 transactions. */
  private static SortedSet<Long> replay(List<ActivityLogTransaction> durable, int ringBlocks) {
    SortedSet<Long> extents = new TreeSet<>();
    for (int i = Math.max(0, durable.size() - (ringBlocks - 1)); i < durable.size(); i++) {
      extents.addAll(durable.get(i).extents());
    }
    return extents;
  }
}
