package io.tandem.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.metadata.MetadataLayout;
import io.tandem.engine.metadata.PeerSlot;
import io.tandem.engine.metadata.Superblock;
import io.tandem.engine.metadata.SuperblockFlag;
import io.tandem.engine.metadata.TransactionType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The core's decisions, event by event, with the edge played by hand. */
class ReplicaCoreTest {

  private static final long MIB = 1 << 20;

  private ReplicaCore core;
  private long nextUuid = 0x7000;
  private final List<Effect> effects = new ArrayList<>();
  private int activityLogCapacity = 2;

  private void startCore(Set<SuperblockFlag> flags, List<Peer> peers, long... replayed) {
    Superblock blank = Superblock.initial(64 * MIB, 0, Math.max(1, peers.size()), 8, 0x42);
    List<PeerSlot> slots = new ArrayList<>();
    for (Peer peer : peers) {
      slots.add(new PeerSlot(peer.nodeId(), 0, Set.of()));
    }
    while (slots.size() < blank.peerSlots().size()) {
      slots.add(PeerSlot.unassigned());
    }
    Superblock superblock = new Superblock(1, blank.volumeSizeBytes(), 0, flags, 8, 0x42, 0, blank.historyUuids(),
        slots);
    TreeSet<Long> extents = new TreeSet<>();
    for (long extent : replayed) {
      extents.add(extent);
    }
    VolumeImage image = new VolumeImage(superblock, Bitmap.empty(superblock.layout()), extents, 5);
    core = new ReplicaCore(new ReplicaSettings("r", "alpha", 0, peers, activityLogCapacity),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, image)), () -> nextUuid++);
    effects.addAll(core.start());
    Effect.MetadataIo attach = (Effect.MetadataIo) single();
    assertThat(attach.transaction().type()).isEqualTo(TransactionType.SNAPSHOT);
    assertThat(attach.transaction().sequence()).isEqualTo(6);
    assertThat(attach.transaction().extents()).isEmpty();
    handle(Event.IoCompleted.ok(attach.ioId()));
  }

  private void startUpToDate() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE), List.of());
  }

  private void handle(Event event) {
    effects.addAll(core.handle(event));
    core.checkInvariants();
  }

  private Effect single() {
    assertThat(effects).hasSize(1);
    return effects.remove(0);
  }

  private <T extends Effect> T take(Class<T> type) {
    for (int i = 0; i < effects.size(); i++) {
      if (type.isInstance(effects.get(i))) {
        return type.cast(effects.remove(i));
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " among " + effects);
  }

  /**
   * The next activity-log transaction; a new generation's superblock write that comes first (the
   * first write after a promotion with a peer away) is completed on the way.
   */
  private Effect.MetadataIo takeTransaction() {
    Effect.MetadataIo io = take(Effect.MetadataIo.class);
    if (io.transaction() == null && io.superblock() != null) {
      handle(Event.IoCompleted.ok(io.ioId()));
      io = take(Effect.MetadataIo.class);
    }
    return io;
  }

  private void promote() {
    handle(new Event.RoleRequest(100, Role.Primary));
    Effect.MetadataIo superblock = take(Effect.MetadataIo.class);
    assertThat(superblock.superblock().flags()).contains(SuperblockFlag.PRIMARY_INDICATOR);
    assertThat(effects).as("promotion completes only when the primary indicator is durable").isEmpty();
    handle(Event.IoCompleted.ok(superblock.ioId()));
    assertThat(take(Effect.RequestCompleted.class).status()).isEqualTo(IoStatus.OK);
    assertThat(core.role()).isEqualTo(Role.Primary);
  }

  private void write(long requestId, long offset, int length, RequestFlag... flags) {
    handle(new Event.ClientRequest(requestId, 0, RequestKind.WRITE, offset, length,
        flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags), ByteBuffer.allocate(length)));
  }

  @Test
  void aWriteOnASecondaryIsNotPermitted() {
    startUpToDate();
    write(1, 0, 4096);
    Effect.RequestCompleted completed = take(Effect.RequestCompleted.class);
    assertThat(completed.status()).isEqualTo(IoStatus.NOT_PERMITTED);
    assertThat(completed.message()).contains("Secondary");
  }

  @Test
  void aWriteToAColdExtentWaitsForItsDurableTransaction() {
    startUpToDate();
    promote();
    write(1, 4 * MIB + 512, 4096);
    Effect.MetadataIo transaction = (Effect.MetadataIo) single();
    assertThat(transaction.transaction().extents()).containsExactly(1L);
    handle(Event.IoCompleted.ok(transaction.ioId()));
    Effect.DataIo data = (Effect.DataIo) single();
    assertThat(data.operation()).isEqualTo(DataOperation.WRITE);
    assertThat(data.durability()).isEqualTo(Durability.CACHED);
    write(2, 4 * MIB + 8192, 4096, RequestFlag.FUA);
    Effect.DataIo hot = (Effect.DataIo) single();
    assertThat(hot.durability()).as("FUA").isEqualTo(Durability.FORCED);
    handle(Event.IoCompleted.ok(data.ioId()));
    assertThat(take(Effect.RequestCompleted.class).requestId()).isEqualTo(1);
  }

  @Test
  void overlappingWritesAreIssuedOneAfterTheOther() {
    startUpToDate();
    promote();
    write(1, 0, 8192);
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    Effect.DataIo first = take(Effect.DataIo.class);
    write(2, 4096, 8192);
    write(3, 65536, 4096);
    Effect.DataIo third = take(Effect.DataIo.class);
    assertThat(third.offset()).isEqualTo(65536);
    assertThat(effects).as("the overlapping write waits").isEmpty();
    handle(Event.IoCompleted.ok(first.ioId()));
    assertThat(take(Effect.DataIo.class).offset()).isEqualTo(4096);
  }

  @Test
  void aWriteWaitingBehindAnOverlappingOneHoldsNoActivityLogRoom() {
    activityLogCapacity = 3;
    startUpToDate();
    promote();
    // extents 2, 3 and 4 hot, each pinned by a write in flight
    List<Long> inFlight = new ArrayList<>();
    for (int extent = 2; extent <= 4; extent++) {
      write(extent, extent * 4 * MIB + 8192, 4096);
      handle(Event.IoCompleted.ok(takeTransaction().ioId()));
      inFlight.add(take(Effect.DataIo.class).ioId());
    }
    write(10, 8 * MIB - 4096, 8192); // extents 1 and 2: extent 1 is cold and the log is full
    write(11, 8 * MIB, (int) (4 * MIB) + 8192); // extents 2 and 3, behind the first
    write(12, 12 * MIB + 4096, (int) (4 * MIB)); // extents 3 and 4, behind the second
    assertThat(effects).isEmpty();
    for (long io : inFlight) {
      handle(Event.IoCompleted.ok(io));
    }
    while (!effects.isEmpty() && effects.get(0) instanceof Effect.RequestCompleted) {
      effects.remove(0);
    }
    // the two waiting behind it pin nothing: the first gets its extent
    Effect.MetadataIo transaction = take(Effect.MetadataIo.class);
    assertThat(transaction.transaction().extents()).contains(1L);
    handle(Event.IoCompleted.ok(transaction.ioId()));
    for (long offset : new long[] {8 * MIB - 4096, 8 * MIB, 12 * MIB + 4096}) {
      while (effects.stream().anyMatch(Effect.MetadataIo.class::isInstance)) {
        handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId())); // the extents it evicted
      }
      Effect.DataIo data = take(Effect.DataIo.class);
      assertThat(data.offset()).isEqualTo(offset);
      handle(Event.IoCompleted.ok(data.ioId()));
      take(Effect.RequestCompleted.class);
    }
  }

  @Test
  void evictingAnExtentSyncsTheDataAndWritesItsBitmapPagesFirst() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE), List.of(new Peer("bravo", 1)));
    promote();
    for (int extent = 0; extent < 3; extent++) {
      write(extent + 1, extent * 4 * MIB, 4096);
      Effect.MetadataIo transaction = takeTransaction();
      if (extent == 2) {
        // capacity 2: extent 0 leaves the log
        assertThat(transaction.dataSync()).isEqualTo(Effect.DataSync.FIRST);
        assertThat(transaction.bitmapPages()).isNotEmpty();
      } else {
        assertThat(transaction.dataSync()).isEqualTo(Effect.DataSync.NONE);
      }
      handle(Event.IoCompleted.ok(transaction.ioId()));
      handle(Event.IoCompleted.ok(take(Effect.DataIo.class).ioId()));
      take(Effect.RequestCompleted.class);
    }
    assertThat(core.status().peers().get(0).volumes().get(0).outOfSyncKib()).isEqualTo(12);
  }

  @Test
  void attachMarksReplayedExtentsOutOfSyncAndRecordsACrashedPrimary() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE, SuperblockFlag.PRIMARY_INDICATOR),
        List.of(new Peer("bravo", 1)), 3);
    ReplicaStatus status = core.status();
    assertThat(status.volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertThat(status.peers().get(0).volumes().get(0).outOfSyncKib()).isEqualTo(MetadataLayout.EXTENT_BYTES / 1024);
  }

  @Test
  void aClientAttachingAutoPromotesAndTheLastLeavingDemotes() {
    startUpToDate();
    handle(new Event.ClientAttach(7, Event.Access.READ_WRITE));
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    assertThat(take(Effect.RequestCompleted.class).requestId()).isEqualTo(7);
    assertThat(core.role()).isEqualTo(Role.Primary);

    handle(new Event.RoleRequest(8, Role.Secondary));
    Effect.RequestCompleted refused = take(Effect.RequestCompleted.class);
    assertThat(refused.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(refused.message()).contains("in use by 1 writing client");

    handle(new Event.ClientDetach(Event.Access.READ_WRITE));
    Effect.MetadataIo demotion = take(Effect.MetadataIo.class);
    assertThat(demotion.dataSync()).isEqualTo(Effect.DataSync.FIRST);
    assertThat(demotion.superblock().flags()).doesNotContain(SuperblockFlag.PRIMARY_INDICATOR);
    handle(Event.IoCompleted.ok(demotion.ioId()));
    assertThat(core.role()).isEqualTo(Role.Secondary);
  }

  @Test
  void aDemotionPersistsTheBitmapAndEmptiesTheActivityLog() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE), List.of(new Peer("bravo", 1)));
    handle(new Event.ClientAttach(7, Event.Access.READ_WRITE));
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    take(Effect.RequestCompleted.class);
    write(1, 0, 4096);
    handle(Event.IoCompleted.ok(takeTransaction().ioId()));
    handle(Event.IoCompleted.ok(take(Effect.DataIo.class).ioId()));
    take(Effect.RequestCompleted.class);
    assertThat(core.status().volumes().get(0).activityLogHotExtents()).isEqualTo(1);

    handle(new Event.ClientDetach(Event.Access.READ_WRITE));
    Effect.MetadataIo demotion = take(Effect.MetadataIo.class);
    assertThat(demotion.dataSync()).isEqualTo(Effect.DataSync.FIRST);
    assertThat(demotion.bitmapPages()).isNotEmpty();
    assertThat(demotion.transaction().type()).isEqualTo(TransactionType.SNAPSHOT);
    assertThat(demotion.transaction().extents()).isEmpty();
    handle(Event.IoCompleted.ok(demotion.ioId()));
    assertThat(core.role()).isEqualTo(Role.Secondary);
    assertThat(core.status().volumes().get(0).activityLogHotExtents()).isZero();
  }

  @Test
  void withoutQuorumPromotionIsRefusedWithTheCount() {
    Superblock superblock = Superblock.initial(64 * MIB, 0, 2, 8, 0x42).withFlags(
        EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE));
    core = new ReplicaCore(new ReplicaSettings("r", "alpha", 0, List.of(new Peer("bravo", 1), new Peer("charlie", 2),
        new Peer("witness", 3, Peer.Disk.DISKLESS)), 2, QuorumPolicy.MAJORITY),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, new VolumeImage(superblock,
            Bitmap.empty(superblock.layout()), new TreeSet<>(), 0))), () -> nextUuid++);
    effects.addAll(core.start());
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    assertThat(core.status().quorum().hasQuorum()).isFalse();
    handle(new Event.ClientAttach(1, Event.Access.READ_WRITE));
    Effect.RequestCompleted refused = take(Effect.RequestCompleted.class);
    assertThat(refused.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(refused.message()).contains("without quorum: 1 of 3 nodes visible, need 2");
  }

  @Test
  void theFirstWriteAfterAPromotionWithAPeerAwayStartsANewGenerationFirst() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE), List.of(new Peer("bravo", 1)));
    promote();
    long dayZero = core.status().volumes().get(0).currentUuid();
    write(1, 0, 4096);
    Effect.MetadataIo generation = take(Effect.MetadataIo.class);
    assertThat(generation.transaction()).isNull();
    assertThat(generation.superblock().currentUuid()).isEqualTo(0x7000).isNotEqualTo(dayZero);
    assertThat(generation.superblock().peerSlots().get(0).bitmapUuid())
        .as("the absent peer's bitmap now tracks from the old generation").isEqualTo(dayZero);
    assertThat(generation.superblock().historyUuids().get(0)).isEqualTo(dayZero);
    assertThat(effects).as("no data I/O before the new generation is durable").isEmpty();
    handle(Event.IoCompleted.ok(generation.ioId()));
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    handle(Event.IoCompleted.ok(take(Effect.DataIo.class).ioId()));
    assertThat(take(Effect.RequestCompleted.class).status()).isEqualTo(IoStatus.OK);
    write(2, 8192, 4096);
    assertThat(take(Effect.DataIo.class).offset()).as("only the first write waits").isEqualTo(8192);
    assertThat(core.status().volumes().get(0).currentUuid()).isEqualTo(0x7000);
  }

  @Test
  void anOutdatedDiskRefusesPromotionWithTheReason() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT), List.of());
    handle(new Event.RoleRequest(1, Role.Primary));
    Effect.RequestCompleted refused = take(Effect.RequestCompleted.class);
    assertThat(refused.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(refused.message()).contains("volume 0 is Outdated");
  }

  @Test
  void aForcedPromotionMakesOutdatedDataUpToDateInANewGeneration() {
    startCore(EnumSet.of(SuperblockFlag.CONSISTENT), List.of(new Peer("bravo", 1)));
    long before = core.status().volumes().get(0).currentUuid();
    handle(new Event.RoleRequest(1, Role.Primary));
    Effect.RequestCompleted refused = take(Effect.RequestCompleted.class);
    assertThat(refused.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(refused.message()).contains("volume 0 is Outdated and no UpToDate peer is reachable")
        .contains("promote with force");

    handle(new Event.RoleRequest(2, Role.Primary, true));
    Effect.MetadataIo superblock = take(Effect.MetadataIo.class);
    assertThat(superblock.superblock().flags()).contains(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE,
        SuperblockFlag.PRIMARY_INDICATOR);
    assertThat(superblock.superblock().currentUuid()).isNotEqualTo(before);
    assertThat(superblock.superblock().historyUuids()).contains(before);
    assertThat(superblock.superblock().peerSlots().get(0).bitmapUuid())
        .as("the peer's slot tracks from the generation it may still hold").isEqualTo(before);
    assertThat(core.role()).as("Primary only once the change is durable").isEqualTo(Role.Secondary);
    handle(Event.IoCompleted.ok(superblock.ioId()));
    assertThat(take(Effect.RequestCompleted.class).status()).isEqualTo(IoStatus.OK);
    assertThat(core.role()).isEqualTo(Role.Primary);
    assertThat(core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
  }

  @Test
  void aForcedPromotionStillNeedsQuorum() {
    Superblock superblock = Superblock.initial(64 * MIB, 0, 2, 8, 0x42).withFlags(
        EnumSet.of(SuperblockFlag.CONSISTENT));
    core = new ReplicaCore(new ReplicaSettings("r", "alpha", 0, List.of(new Peer("bravo", 1), new Peer("charlie", 2)),
        2, QuorumPolicy.MAJORITY), List.of(VolumeSetup.diskful(0, Provisioning.THIN, new VolumeImage(superblock,
            Bitmap.empty(superblock.layout()), new TreeSet<>(), 0))), () -> nextUuid++);
    effects.addAll(core.start());
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    handle(new Event.RoleRequest(1, Role.Primary, true));
    Effect.RequestCompleted refused = take(Effect.RequestCompleted.class);
    assertThat(refused.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(refused.message()).contains("without quorum");
    assertThat(core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Outdated);
  }

  @Test
  void aWriteErrorFailsTheDiskAndLaterIoFails() {
    startUpToDate();
    promote();
    write(1, 0, 4096);
    handle(Event.IoCompleted.ok(take(Effect.MetadataIo.class).ioId()));
    Effect.DataIo data = take(Effect.DataIo.class);
    handle(new Event.IoCompleted(data.ioId(), IoOutcome.ERROR, null, "EIO"));
    assertThat(take(Effect.RequestCompleted.class).status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);
    handle(new Event.ClientRequest(2, 0, RequestKind.READ, 0, 4096, Set.of(), null));
    Effect.RequestCompleted read = take(Effect.RequestCompleted.class);
    assertThat(read.status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(read.message()).contains("Failed").contains("EIO");
  }

  @Test
  void aRequestOutsideTheVolumeIsInvalid() {
    startUpToDate();
    handle(new Event.ClientRequest(1, 0, RequestKind.READ, 64 * MIB - 512, 4096, Set.of(), null));
    assertThat(take(Effect.RequestCompleted.class).status()).isEqualTo(IoStatus.INVALID);
  }
}
