package io.tandem.engine.metadata;

import static io.tandem.engine.metadata.MetadataSamples.PATH;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.storage.BlockFile;
import io.tandem.engine.storage.MemoryFileSystem;
import io.tandem.engine.storage.PowerLossFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Power loss at any sync of a random workload of superblock and activity-log writes, then a crash
 * that keeps, drops or tears the unsynced write: the file must open, with the superblock and hot
 * extents either as of the last completed write or as of the interrupted one — never a mix.
 */
class MetadataCrashTest {

  @Property(tries = 500)
  void reopensWithTheLastCompletedOrTheInterruptedState(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 30) int syncsBeforePowerLoss) throws IOException {
    MemoryFileSystem memory = new MemoryFileSystem();
    Superblock initial = MetadataSamples.small();
    MetadataFile.create(memory, PATH, initial).close();
    PowerLossFileSystem failing = new PowerLossFileSystem(memory, syncsBeforePowerLoss);
    Random workload = new Random(seed);

    MetadataFile file = MetadataFile.open(failing, PATH);
    Superblock completed = file.superblock();
    ActivityLogReplay.Result completedLog = new ActivityLogReplay.Result(0, List.of());
    Superblock interrupted = completed;
    ActivityLogReplay.Result interruptedLog = completedLog;
    int ring = initial.activityLogBlocks();
    for (int step = 0; step < 40; step++) {
      try {
        if (workload.nextInt(3) == 0) {
          Superblock next = completed.withCurrentUuid(workload.nextLong())
              .withFlags(workload.nextBoolean() ? Set.of() : EnumSet.of(SuperblockFlag.PRIMARY_INDICATOR));
          interrupted = next.withSequence(completed.sequence() + 1);
          completed = file.writeSuperblock(next);
        } else {
          TransactionType type = workload.nextInt(8) == 0 ? TransactionType.SNAPSHOT : TransactionType.UPDATE;
          List<Long> extents = new ArrayList<>();
          for (int i = workload.nextInt(4); i > 0; i--) {
            extents.add((long) workload.nextInt(16));
          }
          interruptedLog = completedLog.after(
              new ActivityLogTransaction(completedLog.nextSequence(), type, extents), ring);
          file.writeTransaction(type, extents);
          completedLog = interruptedLog;
        }
        interrupted = completed;
      } catch (IOException powerLoss) {
        assertThat(failing.powerLost()).isTrue();
        break;
      }
    }
    if (!failing.powerLost()) {
      interruptedLog = completedLog;
    }
    memory.crash(crashRandom(seed));

    try (MetadataFile reopened = MetadataFile.open(memory, PATH)) {
      assertThat(reopened.superblock()).isIn(completed, interrupted);
      assertThat(List.of(reopened.lastTransactionSequence(), reopened.hotExtents()))
          .isIn(List.of(completedLog.lastSequence(), completedLog.hotExtents()),
              List.of(interruptedLog.lastSequence(), interruptedLog.hotExtents()));
    }
  }

  /** Over many crash seeds the interrupted superblock write is sometimes kept, dropped and torn. */
  @Test
  void anInterruptedSuperblockWriteIsKeptDroppedOrTornButNeverMixed() throws IOException {
    int kept = 0;
    int lost = 0;
    int torn = 0;
    for (long seed = 0; seed < 200; seed++) {
      MemoryFileSystem memory = new MemoryFileSystem();
      MetadataFile.create(memory, PATH, MetadataSamples.small()).close();
      PowerLossFileSystem failing = new PowerLossFileSystem(memory, 0);
      MetadataFile file = MetadataFile.open(failing, PATH);
      Superblock before = file.superblock();
      Superblock attempted = before.withCurrentUuid(0x5555).withSequence(before.sequence() + 1);
      try {
        file.writeSuperblock(attempted);
      } catch (IOException expected) {
        // the sync failed: power loss
      }
      memory.crash(crashRandom(seed));
      byte[] copy = read(memory, 0); // sequence 2 goes to copy 0
      if (!SuperblockCodec.isIntact(copy)) {
        torn++;
      }
      try (MetadataFile reopened = MetadataFile.open(memory, PATH)) {
        if (reopened.superblock().equals(attempted)) {
          kept++;
        } else {
          assertThat(reopened.superblock()).isEqualTo(before);
          lost++;
        }
      }
    }
    assertThat(List.of(kept, lost, torn)).as("kept, lost, torn").doesNotContain(0);
  }

  /** The activity-log write that crashed is torn for some seeds; replay then falls back to the one before. */
  @Test
  void aTornLastTransactionIsIgnoredAfterACrash() throws IOException {
    int torn = 0;
    for (long seed = 0; seed < 200; seed++) {
      MemoryFileSystem memory = new MemoryFileSystem();
      MetadataFile.create(memory, PATH, MetadataSamples.small()).close();
      PowerLossFileSystem failing = new PowerLossFileSystem(memory, 5);
      MetadataFile file = MetadataFile.open(failing, PATH);
      for (long extent = 1; extent <= 5; extent++) {
        file.writeTransaction(TransactionType.UPDATE, List.of(extent));
      }
      try {
        file.writeTransaction(TransactionType.UPDATE, List.of(9L));
      } catch (IOException expected) {
        // power loss at the sync of transaction 6
      }
      memory.crash(crashRandom(seed));
      byte[] block = read(memory, 8192 + (6 % 4) * 4096);
      boolean intact;
      try {
        ActivityLogTransactionCodec.decode(block);
        intact = true;
      } catch (MetadataFormatException e) {
        intact = false;
      }
      try (MetadataFile reopened = MetadataFile.open(memory, PATH)) {
        if (!intact) {
          torn++;
          assertThat(reopened.lastTransactionSequence()).isEqualTo(5);
          assertThat(reopened.hotExtents()).containsExactly(3L, 4L, 5L);
        } else {
          assertThat(reopened.hotExtents()).isIn(Set.of(3L, 4L, 5L), Set.of(4L, 5L, 9L));
        }
      }
    }
    assertThat(torn).isPositive();
  }

  /**
   * java.util.Random's first draws are nearly the same for adjacent seeds (0, 1, 2, ...), so
   * consecutive seeds are spread out first (SplitMix64's finalizer).
   */
  static Random crashRandom(long seed) {
    long z = seed * 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return new Random(z ^ (z >>> 31));
  }

  private static byte[] read(MemoryFileSystem memory, long offset) throws IOException {
    try (BlockFile file = memory.open(PATH)) {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      file.read(offset, buffer);
      return buffer.array();
    }
  }
}
