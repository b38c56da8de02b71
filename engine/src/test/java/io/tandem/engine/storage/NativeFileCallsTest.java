package io.tandem.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.engine.storage.NativeFileCalls.FallocateMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNA layer alone: what reaches the caller when a call fails, and the SEEK_DATA walk. */
class NativeFileCallsTest {

  private static final int MIB = 1 << 20;

  @TempDir
  Path directory;

  @BeforeEach
  void onlyWhereTheCallsExist() {
    assumeTrue(NativeFileCalls.available(), "no native file calls on this platform");
  }

  @Test
  void aFailedOpenNamesThePathTheCallAndTheErrno() {
    String path = directory.toString();
    assertThatThrownBy(() -> NativeFileCalls.open(path))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("open(O_RDWR|O_CLOEXEC)")
        .hasMessageContaining(path)
        .hasMessageContaining("EISDIR (errno 21, Is a directory)");
  }

  @Test
  void aFailedFallocateNamesThePathTheCallAndTheErrno() throws IOException {
    String path = sparseFile(MIB).toString();
    try (NativeFileCalls file = NativeFileCalls.open(path).orElseThrow()) {
      // a zero length is EINVAL for every mode and every file system
      assertThatThrownBy(() -> file.fallocate(FallocateMode.ALLOCATE, 0, 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("fallocate(0, 0, 0) failed on " + path)
          .hasMessageContaining("EINVAL (errno 22");
      assertThat(file.mayFallocate(FallocateMode.ALLOCATE)).isTrue();
    }
  }

  @Test
  void aClosedFileRefusesEveryCall() throws IOException {
    NativeFileCalls file = NativeFileCalls.open(sparseFile(4096).toString()).orElseThrow();
    file.close();
    file.close();
    assertThatThrownBy(() -> file.fallocate(FallocateMode.PUNCH_HOLE, 0, 4096))
        .isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> file.dataRegions(0, 4096)).isInstanceOf(IOException.class);
    assertThatThrownBy(file::allocatedBytes).isInstanceOf(IOException.class);
  }

  @Test
  void findsTheDataBetweenHolesClippedToTheRange() throws IOException {
    Path path = sparseFile(4 * MIB);
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.seek(MIB);
      file.write(new byte[MIB]);
      file.getFD().sync();
    }
    try (NativeFileCalls file = NativeFileCalls.open(path.toString()).orElseThrow()) {
      var regions = file.dataRegions(0, 4 * MIB);
      assumeTrue(regions.isPresent() && regions.get().size() == 1,
          "file system reports no holes: " + regions);
      assertThat(regions.get()).containsExactly(new DataRegion(MIB, MIB));
      assertThat(file.dataRegions(MIB + 100, MIB + 200).orElseThrow()).containsExactly(new DataRegion(MIB + 100, 100));
      assertThat(file.dataRegions(2 * MIB, 4 * MIB).orElseThrow()).isEmpty();
      assertThat(file.allocatedBytes().orElseThrow()).isBetween((long) MIB, 2L * MIB);
    }
  }

  private Path sparseFile(long sizeBytes) throws IOException {
    Path path = Files.createTempFile(directory, "native", ".data");
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(sizeBytes);
    }
    return path;
  }
}
