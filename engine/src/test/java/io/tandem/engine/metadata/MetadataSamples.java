package io.tandem.engine.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Shared sample values and jqwik arbitraries for the metadata tests. */
final class MetadataSamples {
  private MetadataSamples() {}

  static final String PATH = "/pool/volume-0.meta";

  /** The superblock of the golden-bytes test. */
  static Superblock golden() {
    List<Long> history = new ArrayList<>(Collections.nCopies(Superblock.HISTORY_UUIDS, 0L));
    history.set(0, 0xaaaaaaaaaaaaaaaaL);
    return new Superblock(5, 1L << 30, 2,
        EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE), 8,
        0x1122334455667788L, 0, history,
        List.of(new PeerSlot(1, 0x0102030405060708L, EnumSet.of(PeerSlotFlag.CONNECTED)),
            new PeerSlot(3, 0, Set.of()),
            PeerSlot.unassigned()));
  }

  /** A small volume: 64 MiB (16 extents), 2 slots, a ring of 4 blocks. */
  static Superblock small() {
    return Superblock.initial(64L << 20, 0, 2, 4, 0x1234L);
  }

  static Arbitrary<PeerSlot> peerSlots() {
    return Combinators.combine(
            Arbitraries.integers().between(PeerSlot.UNASSIGNED, PeerSlot.MAX_NODE_ID),
            Arbitraries.longs(),
            Arbitraries.of(PeerSlotFlag.class).set())
        .as(PeerSlot::new);
  }

  static Arbitrary<Superblock> superblocks() {
    Arbitrary<Long> volumeSize = Arbitraries.longs().between(1, 1L << 28).map(blocks -> blocks * 4096);
    Arbitrary<List<PeerSlot>> slots = peerSlots().list().ofMinSize(1).ofMaxSize(MetadataLayout.MAX_PEER_SLOTS);
    Arbitrary<List<Long>> history = Arbitraries.longs().list().ofSize(Superblock.HISTORY_UUIDS);
    return Combinators.combine(
            Arbitraries.longs().greaterOrEqual(0),
            volumeSize,
            Arbitraries.integers().between(0, PeerSlot.MAX_NODE_ID),
            Arbitraries.of(SuperblockFlag.class).set(),
            Arbitraries.integers().between(MetadataLayout.MIN_ACTIVITY_LOG_BLOCKS, MetadataLayout.MAX_ACTIVITY_LOG_BLOCKS),
            Arbitraries.longs(),
            Arbitraries.longs(),
            Combinators.combine(history, slots).as(Lists::new))
        .as((sequence, size, node, flags, ring, current, bitmap, lists) -> new Superblock(sequence, size, node,
            flags.isEmpty() ? Set.of() : EnumSet.copyOf(flags), ring, current, bitmap,
            lists.history(), lists.slots()));
  }

  private record Lists(List<Long> history, List<PeerSlot> slots) {}
}
