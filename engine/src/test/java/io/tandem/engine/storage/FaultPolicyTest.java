package io.tandem.engine.storage;

import static io.tandem.engine.storage.MemoryFileSystemTest.contentOf;
import static io.tandem.engine.storage.MemoryFileSystemTest.filled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.storage.FileOperation.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultPolicyTest {

  private static final int BLOCK = 4096;

  @Test
  void thePolicySeesEveryOperationWithItsRangeBeforeItRuns() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    List<FileOperation> seen = new ArrayList<>();
    fileSystem.setFaultPolicy(operation -> {
      seen.add(operation);
      return Optional.empty();
    });
    try (BlockFile file = fileSystem.create("a")) {
      file.write(10, ByteBuffer.allocate(20));
      file.read(5, ByteBuffer.allocate(7));
      file.sync();
      file.syncData();
      file.size();
      file.resize(BLOCK);
      file.punchHole(1, 2);
      file.writeZeros(3, 4);
      file.preallocate(2 * BLOCK);
      file.dataRegions(5, 6);
      file.allocatedBytes();
    }
    fileSystem.open("a").close();
    fileSystem.delete("a");
    assertThat(seen).containsExactly(
        new FileOperation(Kind.CREATE, "a", 0, 0),
        new FileOperation(Kind.WRITE, "a", 10, 20),
        new FileOperation(Kind.READ, "a", 5, 7),
        new FileOperation(Kind.SYNC, "a", 0, 0),
        new FileOperation(Kind.SYNC_DATA, "a", 0, 0),
        new FileOperation(Kind.SIZE, "a", 0, 0),
        new FileOperation(Kind.RESIZE, "a", 0, BLOCK),
        new FileOperation(Kind.PUNCH_HOLE, "a", 1, 2),
        new FileOperation(Kind.WRITE_ZEROS, "a", 3, 4),
        new FileOperation(Kind.PREALLOCATE, "a", 0, 2 * BLOCK),
        new FileOperation(Kind.DATA_REGIONS, "a", 5, 6),
        new FileOperation(Kind.ALLOCATED_BYTES, "a", 0, 0),
        new FileOperation(Kind.OPEN, "a", 0, 0),
        new FileOperation(Kind.DELETE, "a", 0, 0));
  }

  @Test
  void aFailedWriteWritesNothingAndTheNextOneSucceeds() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    fileSystem.setFaultPolicy(FaultPolicy.failingNext("a", Kind.WRITE));
    try (BlockFile file = fileSystem.create("a")) {
      assertThatThrownBy(() -> file.write(0, ByteBuffer.wrap(filled(BLOCK, 1))))
          .isInstanceOf(IOException.class)
          .hasMessage("injected I/O error: WRITE a [0, +4096)");
      assertThat(file.size()).isZero();
      assertThat(fileSystem.unsyncedOperationCount()).isZero();
      file.write(0, ByteBuffer.wrap(filled(BLOCK, 2)));
      file.sync();
    }
    assertThat(contentOf(fileSystem, "a")).isEqualTo(filled(BLOCK, 2));
  }

  @Test
  void aFailedPunchLeavesTheDataAndItsBlocks() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    try (BlockFile file = fileSystem.create("a")) {
      file.write(0, ByteBuffer.wrap(filled(2 * BLOCK, 1)));
      fileSystem.setFaultPolicy(FaultPolicy.failingNext("a", Kind.PUNCH_HOLE));
      assertThatThrownBy(() -> file.punchHole(0, 2 * BLOCK)).isInstanceOf(IOException.class);
      assertThat(file.allocatedBytes()).isEqualTo(2 * BLOCK);
    }
    assertThat(contentOf(fileSystem, "a")).isEqualTo(filled(2 * BLOCK, 1));
  }

  @Test
  void aFailedSyncLeavesTheWritesUnsyncedForTheCrashToDecide() throws IOException {
    Set<Integer> survivingLengths = new HashSet<>();
    Random seeds = new Random(3);
    for (int crash = 0; crash < 20; crash++) {
      MemoryFileSystem fileSystem = new MemoryFileSystem();
      fileSystem.setFaultPolicy(FaultPolicy.failingNext("a", Kind.SYNC));
      try (BlockFile file = fileSystem.create("a")) {
        file.write(0, ByteBuffer.wrap(filled(BLOCK, 1)));
        assertThatThrownBy(file::sync).isInstanceOf(IOException.class).hasMessageContaining("SYNC a");
        assertThat(fileSystem.unsyncedOperationCount()).isEqualTo(1);
      }
      fileSystem.crash(new Random(seeds.nextLong()));
      survivingLengths.add(contentOf(fileSystem, "a").length);
    }
    // some crashes drop the write: the failed sync did not make it durable
    assertThat(survivingLengths).contains(0, BLOCK);
  }

  @Test
  void aSyncAfterAFailedOneMakesThePendingWritesDurable() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    fileSystem.setFaultPolicy(FaultPolicy.failingNext("a", Kind.SYNC_DATA));
    try (BlockFile file = fileSystem.create("a")) {
      file.write(0, ByteBuffer.wrap(filled(BLOCK, 1)));
      assertThatThrownBy(file::syncData).isInstanceOf(IOException.class);
      file.syncData();
    }
    fileSystem.crash(new Random(1));
    assertThat(contentOf(fileSystem, "a")).isEqualTo(filled(BLOCK, 1));
  }

  @Test
  void randomFaultsDependOnTheSeedAloneAndHitOnlyTheChosenKinds() throws IOException {
    List<Integer> first = failingWrites(99);
    assertThat(failingWrites(99)).isEqualTo(first);
    assertThat(failingWrites(100)).isNotEqualTo(first);
    assertThat(first.size()).isBetween(100, 300); // of 1000 writes at 0.2
  }

  private static List<Integer> failingWrites(long seed) throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    fileSystem.setFaultPolicy(FaultPolicy.failingAtRandom(new Random(seed), 0.2,
        EnumSet.of(Kind.WRITE, Kind.PUNCH_HOLE)));
    List<Integer> failed = new ArrayList<>();
    try (BlockFile file = fileSystem.create("a")) {
      for (int i = 0; i < 1000; i++) {
        try {
          file.write((long) i * 8, ByteBuffer.wrap(filled(8, 1)));
        } catch (IOException e) {
          failed.add(i);
        }
        file.read(0, ByteBuffer.allocate(8)); // never fails, draws nothing
        file.sync();
      }
    }
    return failed;
  }

  @Test
  void aProbabilityOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> FaultPolicy.failingAtRandom(new Random(1), 1.5, Set.of(Kind.READ)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
