package io.tandem.engine.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.core.DataOperation;
import io.tandem.engine.core.Durability;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoOutcome;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.metadata.CorruptMetadataException;
import io.tandem.engine.metadata.SuperblockFlag;
import io.tandem.engine.storage.BlockFile;
import io.tandem.engine.storage.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VolumeStorageTest {

  private static final long SIZE = 16L << 20;
  private final MemoryFileSystem fileSystem = new MemoryFileSystem();
  private final VolumeFileNames names = VolumeFileNames.in("/pool", "r0", 3);
  private final VolumeStorage.Creation creation = new VolumeStorage.Creation(SIZE, 1,
      List.of(new Peer("alpha", 0), new Peer("charlie", 2)), Provisioning.THIN, 0x1234);

  @Test
  void namesFollowTheResourceAndVolume() {
    assertThat(names.dataPath()).isEqualTo("/pool/r0_00003.img");
    assertThat(names.metadataPath()).isEqualTo("/pool/r0_00003.meta");
  }

  @Test
  void aFreshVolumeIsCreatedUpToDateWithASlotPerPeerAndReopens() throws IOException {
    try (VolumeStorage storage = VolumeStorage.openOrCreate(fileSystem, names, creation)) {
      assertThat(storage.image().superblock().flags())
          .contains(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE);
      assertThat(storage.image().superblock().peerSlots()).extracting(slot -> slot.peerNodeId()).containsExactly(0, 2);
      Event.IoCompleted written = storage.perform(new Effect.DataIo(1, 3, DataOperation.WRITE, 4096, 4,
          ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), Durability.FORCED));
      assertThat(written.outcome()).isEqualTo(IoOutcome.OK);
    }
    fileSystem.crash(new Random(1));
    try (VolumeStorage storage = VolumeStorage.openOrCreate(fileSystem, names, creation)) {
      Event.IoCompleted read = storage.perform(new Effect.DataIo(2, 3, DataOperation.READ, 4096, 4, null,
          Durability.CACHED));
      assertThat(read.data().array()).containsExactly(1, 2, 3, 4);
    }
    assertThat(fileSystem.exists(names.newMetadataPath())).isFalse();
  }

  @Test
  void aCreationInterruptedByACrashStartsOver() throws IOException {
    fileSystem.create(names.newMetadataPath()).close();
    try (BlockFile data = fileSystem.create(names.dataPath())) {
      data.resize(1);
    }
    try (VolumeStorage storage = VolumeStorage.openOrCreate(fileSystem, names, creation)) {
      assertThat(storage.image().superblock().volumeSizeBytes()).isEqualTo(SIZE);
    }
  }

  @Test
  void aDataFileWithoutItsMetadataIsNotTouched() throws IOException {
    fileSystem.create(names.dataPath()).close();
    assertThatThrownBy(() -> VolumeStorage.openOrCreate(fileSystem, names, creation))
        .hasMessageContaining("/pool/r0_00003.img exists but its metadata file")
        .hasMessageContaining("restore the metadata file");
    assertThat(fileSystem.exists(names.dataPath())).isTrue();
  }

  @Test
  void aSizeOtherThanTheConfiguredOneIsRefused() throws IOException {
    VolumeStorage.openOrCreate(fileSystem, names, creation).close();
    VolumeStorage.Creation bigger = new VolumeStorage.Creation(2 * SIZE, 1, creation.peers(), Provisioning.THIN, 1);
    assertThatThrownBy(() -> VolumeStorage.openOrCreate(fileSystem, names, bigger))
        .hasMessageContaining("describes a volume of " + SIZE + " bytes, the configuration asks for " + 2 * SIZE);
  }

  @Test
  void corruptedMetadataRefusesToOpenNamingTheFile() throws IOException {
    VolumeStorage.openOrCreate(fileSystem, names, creation).close();
    try (BlockFile metadata = fileSystem.open(names.metadataPath())) {
      metadata.write(100, ByteBuffer.wrap(new byte[] {0x55}));
      metadata.write(4096 + 100, ByteBuffer.wrap(new byte[] {0x55}));
      metadata.sync();
    }
    assertThatThrownBy(() -> VolumeStorage.openOrCreate(fileSystem, names, creation))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("/pool/r0_00003.meta")
        .hasMessageContaining("no intact superblock");
  }
}
