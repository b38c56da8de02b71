package io.tandem.engine.storage;

import static io.tandem.engine.storage.BlockFileContract.assertRegionsDescribe;
import static io.tandem.engine.storage.BlockFileContract.contentOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The same random sequence of writes, resizes and space operations on the in-memory file system,
 * the real one with native calls and the real one with its fallbacks: after every step all three
 * have the same size and content, and each one's data regions describe its content. Disk space
 * may differ (that is the point of the native calls) and is not compared.
 */
class SpaceOperationsEquivalenceTest {

  private static final int WINDOW_BYTES = 256 * 1024;

  @Property(tries = 40)
  void nativeFallbackAndMemoryFilesReadTheSame(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    Path directory = Files.createTempDirectory("tandem-space");
    List<FileSystem> fileSystems = List.of(new MemoryFileSystem(),
        new ChannelFileSystem(NativeCalls.USE_WHEN_AVAILABLE), new ChannelFileSystem(NativeCalls.DISABLED));
    List<BlockFile> files = List.of(
        fileSystems.get(0).create("file"),
        fileSystems.get(1).create(directory.resolve("native").toString()),
        fileSystems.get(2).create(directory.resolve("fallback").toString()));
    try {
      for (int step = 0; step < 25; step++) {
        String operation = applyRandomOperation(random, files);
        byte[] expected = contentOf(files.get(0));
        for (BlockFile file : files) {
          assertThat(file.size()).as("size after %s in %s", operation, file.path()).isEqualTo(expected.length);
          byte[] content = contentOf(file);
          if (!Arrays.equals(content, expected)) {
            throw new AssertionError(file.path() + " differs from memory after step " + step + ": " + operation);
          }
          assertRegionsDescribe(content, file.dataRegions(0, content.length), 0, content.length);
        }
      }
    } finally {
      for (BlockFile file : files) {
        file.close();
      }
      try (Stream<Path> entries = Files.list(directory)) {
        for (Path entry : entries.toList()) {
          Files.delete(entry);
        }
      }
      Files.delete(directory);
    }
  }

  /** Applies one operation, drawn from {@code random}, to every file; returns it for messages. */
  private static String applyRandomOperation(Random random, List<BlockFile> files) throws IOException {
    long position = random.nextInt(WINDOW_BYTES);
    int length = 1 + random.nextInt(random.nextBoolean() ? 64 * 1024 : 5000);
    int kind = random.nextInt(6);
    byte value = (byte) (1 + random.nextInt(255));
    for (BlockFile file : files) {
      switch (kind) {
        case 0, 1 -> {
          byte[] bytes = new byte[length];
          Arrays.fill(bytes, value);
          file.write(position, ByteBuffer.wrap(bytes));
        }
        case 2 -> file.punchHole(position, length);
        case 3 -> file.writeZeros(position, length);
        case 4 -> file.preallocate(position);
        default -> file.resize(position);
      }
    }
    return List.of("write", "write", "punchHole", "writeZeros", "preallocate", "resize").get(kind)
        + "(" + position + ", " + length + ")";
  }
}
