package io.tandem.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MemoryFileSystemTest {

  private static final int BLOCK = 4096;

  @Test
  void syncedDataSurvivesACrashAndOldHandlesAreDead() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    BlockFile file = fileSystem.create("a");
    file.write(0, ByteBuffer.wrap(filled(BLOCK, 1)));
    file.sync();
    fileSystem.crash(new Random(1));
    assertThatThrownBy(() -> file.read(0, ByteBuffer.allocate(1)))
        .isInstanceOf(IOException.class).hasMessageContaining("crash");
    assertThat(contentOf(fileSystem, "a")).isEqualTo(filled(BLOCK, 1));
  }

  @Test
  void syncDataMakesWritesDurableLikeSync() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    try (BlockFile file = fileSystem.create("a")) {
      file.write(0, ByteBuffer.wrap(filled(BLOCK, 3)));
      file.syncData();
    }
    assertThat(fileSystem.unsyncedOperationCount()).isZero();
    fileSystem.crash(new Random(1));
    assertThat(contentOf(fileSystem, "a")).isEqualTo(filled(BLOCK, 3));
  }

  @Test
  void readsSeeUnsyncedWritesBeforeTheCrash() throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    try (BlockFile file = fileSystem.create("a")) {
      file.write(100, ByteBuffer.wrap(new byte[] {7}));
      ByteBuffer one = ByteBuffer.allocate(1);
      file.read(100, one);
      assertThat(one.get(0)).isEqualTo((byte) 7);
      assertThat(fileSystem.unsyncedOperationCount()).isEqualTo(1);
    }
  }

  /** Each unsynced block write ends up whole, absent, or torn at a sector boundary — never anything else. */
  @Property(tries = 200)
  void anUnsyncedWriteIsKeptDroppedOrTornAtASectorBoundary(@ForAll long seed) throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    try (BlockFile file = fileSystem.create("a")) {
      file.write(0, ByteBuffer.wrap(filled(BLOCK, 1)));
      file.sync();
      file.write(0, ByteBuffer.wrap(filled(BLOCK, 2)));
    }
    fileSystem.crash(new Random(seed));
    byte[] content = contentOf(fileSystem, "a");
    assertThat(content).hasSize(BLOCK);
    for (int sector = 0; sector < BLOCK / MemoryFileSystem.SECTOR_BYTES; sector++) {
      byte[] bytes = Arrays.copyOfRange(content, sector * 512, sector * 512 + 512);
      assertThat(bytes).satisfiesAnyOf(
          b -> assertThat(b).isEqualTo(filled(512, 1)),
          b -> assertThat(b).isEqualTo(filled(512, 2)));
    }
  }

  @Test
  void theSameSeedGivesTheSameCrashAndSeedsDiffer() throws IOException {
    Set<String> outcomes = new HashSet<>();
    for (long seed = 0; seed < 50; seed++) {
      String first = Arrays.toString(crashedContent(seed));
      assertThat(Arrays.toString(crashedContent(seed))).isEqualTo(first);
      outcomes.add(first);
    }
    assertThat(outcomes).hasSizeGreaterThan(3);
  }

  private static byte[] crashedContent(long seed) throws IOException {
    MemoryFileSystem fileSystem = new MemoryFileSystem();
    try (BlockFile file = fileSystem.create("a")) {
      for (int i = 0; i < 4; i++) {
        file.write((long) i * BLOCK, ByteBuffer.wrap(filled(BLOCK, i + 1)));
      }
      file.resize(2 * BLOCK + 100);
    }
    fileSystem.crash(new Random(seed));
    return contentOf(fileSystem, "a");
  }

  static byte[] contentOf(FileSystem fileSystem, String path) throws IOException {
    try (BlockFile file = fileSystem.open(path)) {
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(file.size()));
      file.read(0, buffer);
      return buffer.array();
    }
  }

  static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
