package io.tandem.engine.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ActivityLogReplayTest {

  /** Transaction s lists extent s (and the snapshot at 6 resets to {100}). */
  private static List<byte[]> ringAfter(int ringBlocks, int transactions) {
    List<byte[]> ring = new ArrayList<>();
    for (int i = 0; i < ringBlocks; i++) {
      ring.add(new byte[4096]);
    }
    for (long s = 1; s <= transactions; s++) {
      ActivityLogTransaction transaction = s == 6
          ? new ActivityLogTransaction(s, TransactionType.SNAPSHOT, List.of(100L))
          : new ActivityLogTransaction(s, TransactionType.UPDATE, List.of(s));
      ring.set((int) (s % ringBlocks), ActivityLogTransactionCodec.encode(transaction));
    }
    return ring;
  }

  @Test
  void aBlankRingHasNoHotExtents() throws MetadataFormatException {
    ActivityLogReplay.Result result = ActivityLogReplay.replay(ringAfter(4, 0));
    assertThat(result.lastSequence()).isZero();
    assertThat(result.hotExtents()).isEmpty();
  }

  @Test
  void theNewestRingMinusOneTransactionsGiveTheHotExtents() throws MetadataFormatException {
    assertThat(ActivityLogReplay.replay(ringAfter(4, 2)).hotExtents()).containsExactly(1L, 2L);
    assertThat(ActivityLogReplay.replay(ringAfter(4, 5)).hotExtents()).containsExactly(3L, 4L, 5L);
    assertThat(ActivityLogReplay.replay(ringAfter(4, 7)).hotExtents()).containsExactly(7L, 100L);
    assertThat(ActivityLogReplay.replay(ringAfter(4, 7)).lastSequence()).isEqualTo(7);
  }

  /** A torn write of the next transaction, whichever block and however far the ring has come. */
  @Property(tries = 200)
  void aTornLastTransactionIsIgnored(@ForAll @IntRange(min = 2, max = 9) int ringBlocks,
      @ForAll @IntRange(min = 0, max = 30) int transactions, @ForAll @IntRange(min = 1, max = 7) int sectors)
      throws MetadataFormatException {
    List<byte[]> ring = ringAfter(ringBlocks, transactions);
    ActivityLogReplay.Result before = ActivityLogReplay.replay(ring);
    long next = transactions + 1;
    byte[] torn = ring.get((int) (next % ringBlocks)).clone();
    byte[] written = ActivityLogTransactionCodec.encode(
        new ActivityLogTransaction(next, TransactionType.UPDATE, List.of(999L)));
    System.arraycopy(written, 0, torn, 0, 512 * sectors);
    ring.set((int) (next % ringBlocks), torn);
    ActivityLogReplay.Result after = ActivityLogReplay.replay(ring);
    assertThat(after.lastSequence()).isEqualTo(transactions);
    assertThat(after.hotExtents()).isEqualTo(before.hotExtents());
  }

  @Test
  void aCorruptTransactionInTheMiddleRefuses() {
    List<byte[]> ring = ringAfter(4, 5);
    ring.get(3)[100] ^= 1; // transaction 3 of window 3..5
    assertThatThrownBy(() -> ActivityLogReplay.replay(ring))
        .isInstanceOf(MetadataFormatException.class)
        .hasMessageContaining("activity log corrupted before its last transaction")
        .hasMessageContaining("block 3 (transaction 3 expected, last intact transaction 5)")
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void aStaleTransactionInTheWindowRefuses() {
    List<byte[]> ring = ringAfter(4, 5);
    ring.set(0, ActivityLogTransactionCodec.encode(new ActivityLogTransaction(8, TransactionType.UPDATE, List.of(1L))));
    assertThatThrownBy(() -> ActivityLogReplay.replay(ring))
        .isInstanceOf(MetadataFormatException.class)
        .hasMessageContaining("holds transaction");
  }

  @Test
  void dataWhereTheRingHasNotReachedRefuses() {
    List<byte[]> ring = ringAfter(8, 2);
    ring.get(6)[0] = 1;
    assertThatThrownBy(() -> ActivityLogReplay.replay(ring))
        .isInstanceOf(MetadataFormatException.class)
        .hasMessageContaining("block 6 (blank expected");
  }

  @Test
  void aMissingTransactionRefuses() {
    List<byte[]> ring = ringAfter(8, 4);
    ring.set(2, new byte[4096]);
    assertThatThrownBy(() -> ActivityLogReplay.replay(ring))
        .isInstanceOf(MetadataFormatException.class)
        .hasMessageContaining("block 2 (transaction 2 expected, last intact transaction 4) is blank");
  }
}
