package io.tandem.engine.metadata;

import static io.tandem.engine.metadata.MetadataSamples.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.storage.BlockFile;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.storage.FileSystem;
import io.tandem.engine.storage.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataFileTest {

  private final MemoryFileSystem fileSystem = new MemoryFileSystem();

  private void createSmall() throws IOException {
    MetadataFile.create(fileSystem, PATH, MetadataSamples.small()).close();
  }

  @Test
  void createsAFileThatOpensWithTheSameSuperblockAndABlankLog(@TempDir Path directory) throws IOException {
    FileSystem real = new ChannelFileSystem();
    String path = directory.resolve("volume-0.meta").toString();
    Superblock created;
    try (MetadataFile file = MetadataFile.create(real, path, MetadataSamples.small())) {
      created = file.superblock();
      assertThat(created.sequence()).isEqualTo(1);
    }
    try (MetadataFile file = MetadataFile.open(real, path)) {
      assertThat(file.superblock()).isEqualTo(created);
      assertThat(file.hotExtents()).isEmpty();
      assertThat(file.lastTransactionSequence()).isZero();
      assertThat(java.nio.file.Files.size(directory.resolve("volume-0.meta")))
          .isEqualTo(file.layout().totalBytes()).isEqualTo(8192 + 4 * 4096 + 4096);
    }
  }

  @Test
  void superblockAndActivityLogWritesSurviveReopen() throws IOException {
    createSmall();
    Superblock written;
    try (MetadataFile file = MetadataFile.open(fileSystem, PATH)) {
      file.writeSuperblock(file.superblock().withCurrentUuid(0x99));
      written = file.writeSuperblock(file.superblock().withFlags(EnumSet.of(SuperblockFlag.PRIMARY_INDICATOR)));
      assertThat(written.sequence()).isEqualTo(3);
      for (long extent = 0; extent < 6; extent++) {
        file.writeTransaction(TransactionType.UPDATE, List.of(extent));
      }
      assertThat(file.hotExtents()).containsExactly(3L, 4L, 5L); // ring of 4: newest 3 count
    }
    try (MetadataFile file = MetadataFile.open(fileSystem, PATH)) {
      assertThat(file.superblock()).isEqualTo(written);
      assertThat(file.superblock().currentUuid()).isEqualTo(0x99);
      assertThat(file.hotExtents()).containsExactly(3L, 4L, 5L);
      assertThat(file.lastTransactionSequence()).isEqualTo(6);
      file.writeTransaction(TransactionType.SNAPSHOT, List.of());
      assertThat(file.hotExtents()).isEmpty();
    }
    try (MetadataFile file = MetadataFile.open(fileSystem, PATH)) {
      assertThat(file.hotExtents()).isEmpty();
    }
  }

  @Test
  void refusesAnExtentBeyondTheVolumeAndAGeometryChange() throws IOException {
    createSmall();
    try (MetadataFile file = MetadataFile.open(fileSystem, PATH)) {
      assertThatThrownBy(() -> file.writeTransaction(TransactionType.UPDATE, List.of(16L)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond");
      assertThatThrownBy(() -> file.writeSuperblock(Superblock.initial(128L << 20, 0, 2, 4, 1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("geometry");
    }
  }

  static Stream<Arguments> corruptFields() {
    return Stream.of(
        Arguments.of(8, 4, 2L, "unsupported metadata format version (copy 1) in " + PATH + ": found 2, this build reads 1"),
        Arguments.of(12, 4, 1L, "invalid superblock reserved bytes 12..15 (copy 1) in " + PATH),
        Arguments.of(16, 8, -1L, "invalid superblock sequence (copy 1) in " + PATH + ": -1 is negative"),
        Arguments.of(16, 8, 2L, "superblock copy in the wrong slot in " + PATH + ": copy 1 holds sequence 2"),
        Arguments.of(24, 8, 4097L, "invalid superblock geometry (copy 1) in " + PATH + ": volume size 4097"),
        Arguments.of(24, 8, 0L, "invalid superblock geometry (copy 1) in " + PATH + ": volume size 0"),
        Arguments.of(32, 4, 32L, "invalid superblock node id (copy 1) in " + PATH + ": 32 is not within 0..31"),
        Arguments.of(36, 4, 0x100L, "invalid superblock flags (copy 1) in " + PATH + ": unknown bits 0x00000100"),
        Arguments.of(40, 4, 0L, "invalid superblock geometry (copy 1) in " + PATH + ": peer slot count 0"),
        Arguments.of(40, 4, 33L, "invalid superblock geometry (copy 1) in " + PATH + ": peer slot count 33"),
        Arguments.of(44, 4, 8192L, "invalid superblock bitmap bytes per bit (copy 1) in " + PATH + ": 8192"),
        Arguments.of(48, 4, 1L, "invalid superblock geometry (copy 1) in " + PATH + ": activity log ring of 1 blocks"),
        Arguments.of(52, 4, 1L << 20, "invalid superblock extent size (copy 1) in " + PATH),
        Arguments.of(56, 8, 0L, "invalid superblock activity log offset (copy 1) in " + PATH + ": stored 0, the geometry gives 8192"),
        Arguments.of(64, 8, 0L, "invalid superblock bitmap offset (copy 1) in " + PATH),
        Arguments.of(72, 8, 0L, "invalid superblock bitmap size (copy 1) in " + PATH),
        Arguments.of(160, 4, -2L, "invalid superblock peer slot 0 node id (copy 1) in " + PATH),
        Arguments.of(160 + 24, 4, 32L, "invalid superblock peer slot 1 node id (copy 1) in " + PATH),
        Arguments.of(164, 4, 0x100L, "invalid superblock peer slot 0 flags (copy 1) in " + PATH),
        Arguments.of(176, 8, 1L, "invalid superblock peer slot 0 reserved bytes (copy 1) in " + PATH),
        Arguments.of(160 + 48, 4, 5L, "invalid superblock peer slot 2 (copy 1) in " + PATH + ": is beyond the slot count 2"),
        Arguments.of(2000, 4, 1L, "invalid superblock reserved bytes 928..4091 (copy 1) in " + PATH));
  }

  /** A field made invalid with the checksum fixed up: not a torn write, so no fallback to copy 0. */
  @ParameterizedTest(name = "offset {0}")
  @MethodSource("corruptFields")
  void refusesEachInvalidFieldNamingTheFile(int offset, int size, long value, String message) throws IOException {
    createSmall();
    byte[] copy = readBlock(4096);
    ByteBuffer buffer = ByteBuffer.wrap(copy).order(ByteOrder.BIG_ENDIAN);
    if (size == 4) {
      buffer.putInt(offset, (int) value);
    } else {
      buffer.putLong(offset, value);
    }
    buffer.putInt(4092, Checksums.crc32c(copy, 4092));
    writeBlock(4096, copy);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aCopyWithABadChecksumFallsBackToTheOther() throws IOException {
    createSmall();
    byte[] copy = readBlock(4096);
    copy[30] ^= 1;
    writeBlock(4096, copy);
    try (MetadataFile file = MetadataFile.open(fileSystem, PATH)) {
      assertThat(file.superblock()).isEqualTo(MetadataSamples.small().withSequence(0));
    }
  }

  @Test
  void refusesWhenBothCopiesFailTheirChecksum() throws IOException {
    createSmall();
    for (long offset : new long[] {0, 4096}) {
      byte[] copy = readBlock(offset);
      copy[30] ^= 1;
      writeBlock(offset, copy);
    }
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageMatching("no intact superblock in " + PATH + ": copy 0: superblock checksum mismatch: "
            + "stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}; copy 1: superblock checksum mismatch: .*");
  }

  @Test
  void refusesAWrongMagic() throws IOException {
    createSmall();
    writeBlock(0, new byte[4096]);
    byte[] copy = readBlock(4096);
    copy[0] = 'X';
    writeBlock(4096, copy);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageStartingWith("no intact superblock in " + PATH + ": copy 0: wrong superblock magic: "
            + "found 0x0000000000000000, expected 0x54414e44454d4d44; copy 1: wrong superblock magic: found 0x58");
  }

  @Test
  void refusesATruncatedOrOverlongFile() throws IOException {
    createSmall();
    resize(8192 + 4 * 4096);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessage("metadata file truncated in " + PATH + ": 24576 bytes, the superblock describes 28672");
    resize(5000);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessage("metadata file truncated in " + PATH + ": 5000 bytes, the two superblock copies alone need 8192");
    resize(0);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH)).isInstanceOf(CorruptMetadataException.class);
  }

  @Test
  void refusesAnOverlongFile() throws IOException {
    createSmall();
    resize(28672 + 4096);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessage("metadata file too long in " + PATH + ": 32768 bytes, the superblock describes 28672");
  }

  @Test
  void refusesAnActivityLogCorruptedInTheMiddle() throws IOException {
    createSmall();
    try (MetadataFile file = MetadataFile.open(fileSystem, PATH)) {
      for (long extent = 0; extent < 3; extent++) {
        file.writeTransaction(TransactionType.UPDATE, List.of(extent));
      }
    }
    long blockOfTransaction2 = 8192 + 2 * 4096;
    byte[] block = readBlock(blockOfTransaction2);
    block[25] ^= 0x40;
    writeBlock(blockOfTransaction2, block);
    assertThatThrownBy(() -> MetadataFile.open(fileSystem, PATH))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageStartingWith("activity log corrupted before its last transaction in " + PATH
            + ": block 2 (transaction 2 expected, last intact transaction 3) "
            + "activity log transaction checksum mismatch: stored 0x");
  }

  private byte[] readBlock(long offset) throws IOException {
    try (BlockFile file = fileSystem.open(PATH)) {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      file.read(offset, buffer);
      return buffer.array();
    }
  }

  private void writeBlock(long offset, byte[] bytes) throws IOException {
    try (BlockFile file = fileSystem.open(PATH)) {
      file.write(offset, ByteBuffer.wrap(bytes));
      file.sync();
    }
  }

  private void resize(long bytes) throws IOException {
    try (BlockFile file = fileSystem.open(PATH)) {
      file.resize(bytes);
      file.sync();
    }
  }
}
