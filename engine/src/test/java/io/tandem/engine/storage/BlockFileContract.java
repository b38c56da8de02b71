package io.tandem.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlockFile} promises about its space operations, whichever way it carries them
 * out: the content a reader sees and the file size. Run against the in-memory file system, the
 * real one with native calls, and the real one with its fallbacks (nested classes of
 * {@link MemoryFileSystemTest} and {@link ChannelFileSystemTest}); how much disk space each uses
 * is checked there.
 */
abstract class BlockFileContract {

  static final int BLOCK = 4096;
  static final int MIB = 1 << 20;

  /** A fresh, empty file system for each test. */
  abstract FileSystem fileSystem();

  /** A path in {@link #fileSystem()} under which no file exists yet. */
  abstract String newPath(String name);

  @Test
  void aPunchedHoleReadsAsZerosAndTheSizeStays() throws IOException {
    // more than two fallback chunks, unaligned at both ends
    byte[] expected = pattern(2 * MIB + 3 * BLOCK + 100);
    try (BlockFile file = fileWith(expected)) {
      file.punchHole(1000, 2 * MIB + 5);
      Arrays.fill(expected, 1000, 1000 + 2 * MIB + 5, (byte) 0);
      assertThat(file.size()).isEqualTo(expected.length);
      assertThat(contentOf(file)).isEqualTo(expected);
      file.sync();
      assertThat(contentOf(file)).isEqualTo(expected);
    }
  }

  @Test
  void aHolePunchedBeyondTheEndIsClippedAndAnEmptyOneChangesNothing() throws IOException {
    byte[] expected = pattern(3 * BLOCK);
    try (BlockFile file = fileWith(expected)) {
      file.punchHole(2 * BLOCK, 10 * MIB);
      file.punchHole(BLOCK, 0);
      file.punchHole(100 * MIB, BLOCK);
      Arrays.fill(expected, 2 * BLOCK, 3 * BLOCK, (byte) 0);
      assertThat(file.size()).isEqualTo(3 * BLOCK);
      assertThat(contentOf(file)).isEqualTo(expected);
    }
  }

  @Test
  void zerosWrittenReadAsZerosAndGrowTheFileLikeAWrite() throws IOException {
    byte[] start = pattern(3 * BLOCK);
    try (BlockFile file = fileWith(start)) {
      file.writeZeros(100, BLOCK);
      file.writeZeros(2 * BLOCK + 7, 2 * BLOCK);
      file.writeZeros(6 * BLOCK, BLOCK + 1);
      file.writeZeros(BLOCK, 0);
      byte[] expected = Arrays.copyOf(start, 7 * BLOCK + 1);
      Arrays.fill(expected, 100, 100 + BLOCK, (byte) 0);
      Arrays.fill(expected, 2 * BLOCK + 7, expected.length, (byte) 0);
      assertThat(file.size()).isEqualTo(7 * BLOCK + 1);
      assertThat(contentOf(file)).isEqualTo(expected);
    }
  }

  @Test
  void preallocationGrowsTheFileKeepsTheContentAndNeverShrinks() throws IOException {
    try (BlockFile file = fileSystem().create(newPath("thick"))) {
      file.resize(3 * MIB);
      byte[] data = pattern(BLOCK + 10);
      file.write(MIB + 5, ByteBuffer.wrap(data));
      file.preallocate(4 * MIB + 123);
      assertThat(file.size()).isEqualTo(4 * MIB + 123);
      byte[] expected = new byte[4 * MIB + 123];
      System.arraycopy(data, 0, expected, MIB + 5, data.length);
      assertThat(contentOf(file)).isEqualTo(expected);
      assertThat(file.allocatedBytes()).isGreaterThanOrEqualTo(4 * MIB + 123);

      file.preallocate(MIB);
      file.preallocate(0);
      assertThat(file.size()).isEqualTo(4 * MIB + 123);
      assertThat(contentOf(file)).isEqualTo(expected);
    }
  }

  @Test
  void dataRegionsAreOrderedDisjointWithinTheRangeAndCoverEveryNonZeroByte() throws IOException {
    try (BlockFile file = fileSystem().create(newPath("sparse"))) {
      file.resize(8 * MIB);
      file.write(0, ByteBuffer.wrap(pattern(100)));
      file.write(3 * MIB + 17, ByteBuffer.wrap(pattern(3 * BLOCK)));
      file.write(8 * MIB - 10, ByteBuffer.wrap(pattern(10)));
      file.sync();
      byte[] content = contentOf(file);
      for (long[] range : new long[][] {{0, 8 * MIB}, {50, 4 * MIB}, {3 * MIB + 20, 100}, {7 * MIB, 10 * MIB}}) {
        List<DataRegion> regions = file.dataRegions(range[0], range[1]);
        assertRegionsDescribe(content, regions, range[0], Math.min(range[0] + range[1], content.length));
      }
      assertThat(file.dataRegions(8 * MIB, MIB)).isEmpty();
      assertThat(file.dataRegions(20 * MIB, MIB)).isEmpty();
      assertThat(file.dataRegions(10, 0)).isEmpty();
    }
  }

  @Test
  void aFileWrittenThroughoutIsAllocatedThroughout() throws IOException {
    byte[] content = pattern(MIB + 100);
    try (BlockFile file = fileWith(content)) {
      assertThat(file.allocatedBytes()).isGreaterThanOrEqualTo(content.length);
      assertThat(file.dataRegions(0, content.length))
          .containsExactly(new DataRegion(0, content.length));
    }
  }

  @Test
  void negativeOrOverflowingRangesAreRejected() throws IOException {
    try (BlockFile file = fileWith(pattern(BLOCK))) {
      assertThatThrownBy(() -> file.punchHole(-1, 10)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> file.punchHole(0, -1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> file.writeZeros(Long.MAX_VALUE, 2)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> file.preallocate(-4096)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> file.dataRegions(1, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
      assertThat(contentOf(file)).isEqualTo(pattern(BLOCK));
    }
  }

  @Test
  void syncDataKeepsWhatWasWritten() throws IOException {
    String path = newPath("synced");
    try (BlockFile file = fileSystem().create(path)) {
      file.write(0, ByteBuffer.wrap(pattern(BLOCK)));
      file.punchHole(0, 100);
      file.syncData();
    }
    byte[] expected = pattern(BLOCK);
    Arrays.fill(expected, 0, 100, (byte) 0);
    try (BlockFile file = fileSystem().open(path)) {
      assertThat(contentOf(file)).isEqualTo(expected);
    }
  }

  /** The regions lie in order within [from, to), and every byte of [from, to) outside them is zero. */
  static void assertRegionsDescribe(byte[] content, List<DataRegion> regions, long from, long to) {
    long at = from;
    for (DataRegion region : regions) {
      assertThat(region.position()).as("regions %s from %d", regions, from).isGreaterThanOrEqualTo(at);
      assertThat(region.end()).as("regions %s to %d", regions, to).isLessThanOrEqualTo(to);
      assertZeros(content, at, region.position());
      at = region.end();
    }
    assertZeros(content, at, to);
  }

  private static void assertZeros(byte[] content, long from, long to) {
    for (long i = from; i < to; i++) {
      if (content[(int) i] != 0) {
        throw new AssertionError("byte " + i + " is not zero but lies in no data region");
      }
    }
  }

  /** A new synced file holding {@code content}. */
  BlockFile fileWith(byte[] content) throws IOException {
    BlockFile file = fileSystem().create(newPath("file"));
    file.write(0, ByteBuffer.wrap(content));
    file.sync();
    return file;
  }

  static byte[] contentOf(BlockFile file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(file.size()));
    file.read(0, buffer);
    return buffer.array();
  }

  /** Bytes that are never zero and differ from block to block, so a misplaced block shows. */
  static byte[] pattern(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (1 + (i / 7 + i / BLOCK) % 251);
    }
    return bytes;
  }
}
