package io.tandem.engine.storage;

import static io.tandem.engine.storage.BlockFileContract.BLOCK;
import static io.tandem.engine.storage.BlockFileContract.MIB;
import static io.tandem.engine.storage.BlockFileContract.contentOf;
import static io.tandem.engine.storage.BlockFileContract.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelFileSystemTest {

  @TempDir
  Path directory;

  private final FileSystem fileSystem = new ChannelFileSystem();

  @Test
  void writesReadsResizesAndSurvivesReopen() throws IOException {
    String path = directory.resolve("volume.meta").toString();
    assertThat(fileSystem.exists(path)).isFalse();
    try (BlockFile file = fileSystem.create(path)) {
      file.write(10, ByteBuffer.wrap("tandem".getBytes(StandardCharsets.US_ASCII)));
      file.sync();
      assertThat(file.size()).isEqualTo(16);
      file.resize(8192);
      assertThat(file.size()).isEqualTo(8192);
      file.sync();
    }
    try (BlockFile file = fileSystem.open(path)) {
      ByteBuffer buffer = ByteBuffer.allocate(20);
      assertThat(file.read(4, buffer)).isEqualTo(20);
      assertThat(new String(buffer.array(), 6, 6, StandardCharsets.US_ASCII)).isEqualTo("tandem");
      assertThat(file.read(8190, ByteBuffer.allocate(10))).isEqualTo(2);
      file.resize(12);
      assertThat(file.size()).isEqualTo(12);
    }
    assertThatThrownBy(() -> fileSystem.create(path)).isInstanceOf(IOException.class);
    fileSystem.delete(path);
    assertThat(fileSystem.exists(path)).isFalse();
    assertThatThrownBy(() -> fileSystem.open(path)).isInstanceOf(IOException.class);
  }

  @Test
  void aClosedFileRefusesSpaceOperations() throws IOException {
    BlockFile file = fileSystem.create(directory.resolve("closed").toString());
    file.write(0, ByteBuffer.wrap(pattern(BLOCK)));
    file.close();
    assertThatThrownBy(() -> file.punchHole(0, BLOCK)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> file.preallocate(MIB)).isInstanceOf(IOException.class);
  }

  /** The calls on this machine's file system; each test is skipped where the calls or the file system lack its feature. */
  @Nested
  class WithNativeCalls extends BlockFileContract {

    private int files;

    @BeforeEach
    void onlyWhereTheCallsExist() {
      assumeTrue(NativeFileCalls.available(), "no native file calls on this platform");
    }

    @Override
    FileSystem fileSystem() {
      return new ChannelFileSystem(NativeCalls.USE_WHEN_AVAILABLE);
    }

    @Override
    String newPath(String name) {
      return directory.resolve(name + "-" + files++).toString();
    }

    @Test
    void aPunchedHoleGivesItsBlocksBack() throws IOException {
      try (BlockFile file = fileWith(pattern(4 * MIB))) {
        long before = file.allocatedBytes();
        assertThat(before).isGreaterThanOrEqualTo(4 * MIB);

        ZeroingMethod method = file.punchHole(MIB + 100, 2 * MIB);
        assumeTrue(method == ZeroingMethod.PUNCHED_HOLE, "this file system cannot punch holes");
        file.sync();

        // the partial blocks at both edges stay allocated; everything between is given back
        assertThat(file.allocatedBytes()).isLessThanOrEqualTo(before - 2 * MIB + 2 * BLOCK);
        assertThat(file.dataRegions(0, 4 * MIB)).containsExactly(
            new DataRegion(0, MIB + BLOCK), new DataRegion(3 * MIB, MIB));
        assertThat(file.size()).isEqualTo(4 * MIB);
      }
    }

    @Test
    void aZeroedRangeStaysAllocated() throws IOException {
      try (BlockFile file = fileSystem().create(newPath("zeroed"))) {
        file.resize(4 * MIB);
        ZeroingMethod method = file.writeZeros(MIB, 2 * MIB);
        assumeTrue(method == ZeroingMethod.ZEROED_RANGE, "this file system cannot zero a range");
        file.sync();
        assertThat(file.allocatedBytes()).isGreaterThanOrEqualTo(2 * MIB);
        assertThat(contentOf(file)).isEqualTo(new byte[4 * MIB]);
      }
    }

    @Test
    void preallocationReservesTheBlocksWithoutWritingThem() throws IOException {
      try (BlockFile file = fileSystem().create(newPath("thick"))) {
        AllocationMethod method = file.preallocate(16 * MIB);
        assumeTrue(method == AllocationMethod.FALLOCATED, "this file system cannot preallocate");
        file.sync();
        assertThat(file.size()).isEqualTo(16 * MIB);
        assertThat(file.allocatedBytes()).isGreaterThanOrEqualTo(16 * MIB);
      }
    }
  }

  /** The portable fallbacks, selected explicitly so that they are covered on every platform. */
  @Nested
  class WithoutNativeCalls extends BlockFileContract {

    private int files;

    @Override
    FileSystem fileSystem() {
      return new ChannelFileSystem(NativeCalls.DISABLED);
    }

    @Override
    String newPath(String name) {
      return directory.resolve(name + "-" + files++).toString();
    }

    @Test
    void everyOperationReportsTheFallbackAndTheWholeFileCountsAsData() throws IOException {
      try (BlockFile file = fileSystem().create(newPath("sparse"))) {
        file.resize(4 * MIB);
        assertThat(file.punchHole(0, MIB)).isEqualTo(ZeroingMethod.WROTE_ZEROS);
        assertThat(file.punchHole(0, 0)).isEqualTo(ZeroingMethod.WROTE_ZEROS);
        assertThat(file.writeZeros(MIB, MIB)).isEqualTo(ZeroingMethod.WROTE_ZEROS);
        assertThat(file.preallocate(5 * MIB)).isEqualTo(AllocationMethod.WROTE_ZEROS);
        assertThat(file.dataRegions(100, 10 * MIB)).containsExactly(new DataRegion(100, 5 * MIB - 100));
        assertThat(file.allocatedBytes()).isEqualTo(5 * MIB);
      }
    }

    /** Checked from outside with the native calls, which the fallback itself cannot use. */
    @Test
    void preallocationFillsTheHolesAndLeavesTheDataAlone() throws IOException {
      assumeTrue(NativeFileCalls.available(), "no native calls to measure the allocation with");
      String path = newPath("thick");
      byte[] expected = new byte[6 * MIB];
      try (BlockFile file = fileSystem().create(path)) {
        file.resize(4 * MIB);
        byte[] data = pattern(3 * BLOCK + 5);
        file.write(MIB + 7, ByteBuffer.wrap(data));
        System.arraycopy(data, 0, expected, MIB + 7, data.length);
        file.preallocate(6 * MIB);
        file.sync();
      }
      try (BlockFile file = new ChannelFileSystem(NativeCalls.USE_WHEN_AVAILABLE).open(path)) {
        assertThat(file.allocatedBytes()).isGreaterThanOrEqualTo(6 * MIB);
        assertThat(file.dataRegions(0, 6 * MIB)).containsExactly(new DataRegion(0, 6 * MIB));
        assertThat(Arrays.equals(contentOf(file), expected)).isTrue();
      }
    }
  }
}
