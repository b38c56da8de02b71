package io.tandem.engine.generation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.ReplicationProtocol;
import io.tandem.engine.core.Role;
import io.tandem.engine.generation.ConnectingSide.Flag;
import io.tandem.engine.generation.ResyncDecision.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The connect decision, rule by rule (DRBD-REFERENCE.md §4.2), and its symmetry. */
class ResyncDeciderTest {

  private static final long A = 0x1000;
  private static final long B = 0x2000;
  private static final long C = 0x3000;
  private static final long D = 0x4000;

  private static Generations generations(long current, Map<Integer, Long> bitmaps, Long... history) {
    return new Generations(current, bitmaps, List.of(history));
  }

  private static ConnectingSide side(int nodeId, Generations generations, Flag... flags) {
    return new ConnectingSide(nodeId, generations, flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags),
        Role.Secondary, DiskState.UpToDate);
  }

  private static ResyncDecision decide(ConnectingSide me, ConnectingSide peer) {
    return ResyncDecider.decide(me, peer, ReplicationProtocol.C);
  }

  @Test
  void rule1And2JustCreatedReplicas() {
    ConnectingSide fresh = side(0, generations(Generations.JUST_CREATED, Map.of()));
    ConnectingSide alsoFresh = side(1, generations(Generations.JUST_CREATED, Map.of()));
    ConnectingSide used = side(1, generations(A, Map.of()));
    assertThat(decide(fresh, alsoFresh).kind()).isEqualTo(Kind.NO_SYNC);
    assertThat(decide(fresh, used)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.TARGET_FULL, 2);
    assertThat(decide(used, fresh).kind()).isEqualTo(Kind.SOURCE_FULL);
  }

  @Test
  void rule3SameGenerationTieBreakers() {
    Generations same = generations(A, Map.of());
    assertThat(decide(side(0, same), side(1, same)).kind()).isEqualTo(Kind.NO_SYNC);
    assertThat(decide(side(0, same, Flag.RECONNECT), side(1, same, Flag.RECONNECT)).kind()).isEqualTo(Kind.NO_SYNC);
    // protocol C: the crashed Primary's unacknowledged writes are rolled back to the survivor
    assertThat(decide(side(0, same, Flag.RECONNECT), side(1, same, Flag.CRASHED_PRIMARY)).kind())
        .isEqualTo(Kind.SOURCE_BITMAP);
    // protocol A: the crashed Primary may hold completed writes the peer never got
    assertThat(ResyncDecider.decide(side(0, same, Flag.RECONNECT), side(1, same, Flag.CRASHED_PRIMARY),
        ReplicationProtocol.A).kind()).isEqualTo(Kind.TARGET_BITMAP);
    assertThat(decide(side(0, same), side(1, same, Flag.LOST_QUORUM_AS_PRIMARY)).kind())
        .isEqualTo(Kind.TARGET_BITMAP);
    assertThat(decide(side(0, same, Flag.CRASHED_PRIMARY), side(1, same, Flag.CRASHED_PRIMARY)).kind())
        .as("both crashed: the lower node id is the source").isEqualTo(Kind.SOURCE_BITMAP);
    assertThat(decide(side(0, same, Flag.RECONNECT), side(1, same)).kind()).isEqualTo(Kind.NO_SYNC);
  }

  @Test
  void rule3ACurrentPrimaryIsAlwaysTheSourceAndDiskStatesSettleTheRest() {
    Generations same = generations(A, Map.of());
    ConnectingSide primary = new ConnectingSide(1, same, Set.of(Flag.CRASHED_PRIMARY), Role.Primary,
        DiskState.UpToDate);
    ConnectingSide survivor = side(0, same, Flag.RECONNECT);
    assertThat(decide(survivor, primary).kind()).isEqualTo(Kind.TARGET_BITMAP);
    ConnectingSide outdated = new ConnectingSide(1, same, Set.of(), Role.Secondary, DiskState.Outdated);
    assertThat(decide(side(0, same), outdated).kind()).isEqualTo(Kind.SOURCE_BITMAP);
    // a crashed Primary that was mid-resync (Inconsistent) is no source, whatever its flags say
    ConnectingSide crashedMidResync = new ConnectingSide(1, same, Set.of(Flag.CRASHED_PRIMARY), Role.Secondary,
        DiskState.Inconsistent);
    assertThat(decide(side(0, same), crashedMidResync).kind()).isEqualTo(Kind.SOURCE_BITMAP);
    assertThat(decide(crashedMidResync, side(0, same)).kind()).isEqualTo(Kind.TARGET_BITMAP);
    // nor is an Inconsistent Primary: it takes the blocks it lacks from the UpToDate peer
    ConnectingSide inconsistentPrimary = new ConnectingSide(1, same, Set.of(), Role.Primary, DiskState.Inconsistent);
    assertThat(decide(side(0, same), inconsistentPrimary).kind()).isEqualTo(Kind.SOURCE_BITMAP);
  }

  @Test
  void rules4To7OneSideTracksTheOthersGeneration() {
    // the usual case: node 1 was away, node 0 wrote (new generation B) and tracked node 1 from A
    ConnectingSide writer = side(0, generations(B, Map.of(1, A), A));
    ConnectingSide returning = side(1, generations(A, Map.of()));
    assertThat(decide(returning, writer)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.TARGET_BITMAP, 4);
    assertThat(decide(writer, returning)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.SOURCE_BITMAP, 6);
    // node 0 tracks A in its slot for node 2 only: the source uses that slot
    ConnectingSide viaThird = side(0, generations(B, Map.of(2, A), A));
    assertThat(decide(returning, viaThird)).extracting(ResyncDecision::kind, ResyncDecision::rule,
        ResyncDecision::viaNode).containsExactly(Kind.TARGET_BITMAP, 5, 2);
    assertThat(decide(viaThird, returning)).extracting(ResyncDecision::kind, ResyncDecision::rule,
        ResyncDecision::viaNode).containsExactly(Kind.SOURCE_BITMAP, 7, 2);
  }

  @Test
  void rule8AGenerationOnlyInHistoryNeedsAFullSync() {
    ConnectingSide far = side(0, generations(C, Map.of(), B, A));
    ConnectingSide old = side(1, generations(A, Map.of()));
    assertThat(decide(old, far)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.TARGET_FULL, 8);
    assertThat(decide(far, old).kind()).isEqualTo(Kind.SOURCE_FULL);
  }

  @Test
  void rule8ABitmapStartingAtAGenerationThePeerPassedThroughSyncsByBitmap() {
    // alpha's slot for bravo starts at A, the last generation bravo confirmed; bravo had taken B
    // from alpha before the connection dropped; alpha moved on to C
    ConnectingSide alpha = side(0, generations(C, Map.of(1, A), B, A));
    ConnectingSide bravo = side(1, generations(B, Map.of(), A));
    assertThat(decide(alpha, bravo)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.SOURCE_BITMAP, 8);
    assertThat(decide(bravo, alpha).kind()).isEqualTo(Kind.TARGET_BITMAP);
    // a slot that starts later than bravo's generation does not cover it: everything moves
    ConnectingSide alphaLater = side(0, generations(D, Map.of(1, C), C, B, A));
    assertThat(decide(alphaLater, bravo).kind()).isEqualTo(Kind.SOURCE_FULL);
  }

  @Test
  void anInterruptedFullSyncGoesOnByBitmapWhileBothSlotsHoldItsMarker() {
    long marker = ResyncDecider.fullSyncMarker(C, Generations.JUST_CREATED, 0, 1);
    ConnectingSide source = side(0, generations(C, Map.of(1, marker), B, A));
    ConnectingSide target = new ConnectingSide(1, generations(Generations.JUST_CREATED, Map.of(0, marker)), Set.of(),
        Role.Secondary, DiskState.Inconsistent);
    assertThat(decide(target, source)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.TARGET_BITMAP, 2);
    assertThat(decide(source, target).kind()).isEqualTo(Kind.SOURCE_BITMAP);
    // one side that lost its marker (it was not yet durable there): the full sync starts again
    ConnectingSide forgot = new ConnectingSide(1, generations(Generations.JUST_CREATED, Map.of()), Set.of(),
        Role.Secondary, DiskState.Inconsistent);
    assertThat(decide(forgot, source).kind()).isEqualTo(Kind.TARGET_FULL);
    // the target finished (no longer Inconsistent): the marker decides nothing
    ConnectingSide finished = side(1, generations(C, Map.of(0, marker), B, A));
    assertThat(decide(finished, source).kind()).isEqualTo(Kind.NO_SYNC);
    // slots that track the same generation are no marker, even with one side Inconsistent (a
    // bitmap SyncTarget of a third node): rule 9, not a resumed full sync
    ConnectingSide writer = side(0, generations(C, Map.of(1, A), A));
    ConnectingSide resyncing = new ConnectingSide(1, generations(B, Map.of(0, A), A), Set.of(), Role.Secondary,
        DiskState.Inconsistent);
    assertThat(decide(resyncing, writer).kind()).isNotEqualTo(Kind.TARGET_BITMAP);
    assertThat(decide(resyncing, writer).rule()).isEqualTo(9);
  }

  @Test
  void aFullSyncMarkerIsTheSameOnBothSidesAndNoGeneration() {
    long marker = ResyncDecider.fullSyncMarker(C, A, 0, 1);
    assertThat(marker).isEqualTo(ResyncDecider.fullSyncMarker(C | 1, A, 0, 1));
    assertThat(marker & 1).isZero();
    assertThat(Generations.isFullSyncMarker(marker)).isTrue();
    assertThat(Generations.isFullSyncMarker(C)).isFalse();
    assertThat(marker).isNotIn(0L, A, C, Generations.JUST_CREATED);
    assertThat(ResyncDecider.fullSyncMarker(C, A, 1, 0)).isNotEqualTo(marker);
    assertThat(ResyncDecider.fullSyncMarker(A, C, 0, 1)).isNotEqualTo(marker);
  }

  @Test
  void rules9To11SplitBrainAndUnrelatedData() {
    ConnectingSide left = side(0, generations(B, Map.of(1, A), A));
    ConnectingSide right = side(1, generations(C, Map.of(0, A), A));
    assertThat(decide(left, right)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.SPLIT_BRAIN, 9);
    ConnectingSide leftLater = side(0, generations(D, Map.of(1, B), B, A));
    ConnectingSide rightLater = side(1, generations(C, Map.of(0, 0x5000L), 0x5000L, A));
    assertThat(decide(leftLater, rightLater)).extracting(ResyncDecision::kind, ResyncDecision::rule)
        .containsExactly(Kind.SPLIT_BRAIN_HISTORY, 10);
    assertThat(decide(side(0, generations(A, Map.of())), side(1, generations(B, Map.of())))).extracting(
        ResyncDecision::kind, ResyncDecision::rule).containsExactly(Kind.UNRELATED, 11);
  }

  @Test
  void eachSideTrackingTheOthersGenerationIsSplitBrainNotTwoTargets() {
    ConnectingSide left = side(0, generations(B, Map.of(1, C)));
    ConnectingSide right = side(1, generations(C, Map.of(0, B)));
    assertThat(decide(left, right).kind()).isEqualTo(Kind.SPLIT_BRAIN);
    assertThat(decide(right, left).kind()).isEqualTo(Kind.SPLIT_BRAIN);
  }

  @Test
  void bitZeroThePrimaryMarkerIsIgnored() {
    assertThat(decide(side(0, generations(A | 1, Map.of())), side(1, generations(A, Map.of()))).kind())
        .isEqualTo(Kind.NO_SYNC);
  }

  // ------------------------------------------------------------------ properties

  /** Both sides run the decision; they must agree on the direction and on the rule's family. */
  @Property(tries = 3000)
  void bothSidesReachMirroredDecisions(@ForAll("pairs") Pair pair, @ForAll ReplicationProtocol protocol) {
    ResyncDecision mine = ResyncDecider.decide(pair.left(), pair.right(), protocol);
    ResyncDecision theirs = ResyncDecider.decide(pair.right(), pair.left(), protocol);
    assertThat(theirs.kind()).as("%s / %s", mine, theirs).isEqualTo(mine.kind().mirrored());
    assertThat(theirs.viaNode()).isEqualTo(mine.viaNode());
  }

  /** A naive oracle for the last rule: unrelated exactly when no generation at all is shared. */
  @Property(tries = 3000)
  void unrelatedExactlyWhenNothingIsShared(@ForAll("pairs") Pair pair) {
    ResyncDecision decision = ResyncDecider.decide(pair.left(), pair.right(), ReplicationProtocol.C);
    Set<Long> left = allUuids(pair.left().generations());
    Set<Long> right = allUuids(pair.right().generations());
    boolean anyCreated = pair.left().generations().justCreated() || pair.right().generations().justCreated();
    left.retainAll(right);
    assertThat(decision.kind() == Kind.UNRELATED).as("%s", decision).isEqualTo(left.isEmpty() && !anyCreated);
  }

  /**
   * A just-created replica is always the target of a full sync from one that is not; by bitmap
   * when that full sync was interrupted (both slots hold its marker, the replica is Inconsistent).
   */
  @Property(tries = 1000)
  void aJustCreatedReplicaIsAlwaysTheFullSyncTarget(@ForAll("pairs") Pair pair) {
    Generations left = pair.left().generations();
    Generations right = pair.right().generations();
    ResyncDecision decision = ResyncDecider.decide(pair.left(), pair.right(), ReplicationProtocol.C);
    boolean interrupted = Generations.isFullSyncMarker(left.bitmapFor(1)) && left.bitmapFor(1) == right.bitmapFor(0)
        && pair.left().disk() == DiskState.Inconsistent && pair.right().disk() != DiskState.Inconsistent
        && !right.justCreated();
    if (left.justCreated() && !right.justCreated()) {
      assertThat(decision.kind()).isEqualTo(interrupted ? Kind.TARGET_BITMAP : Kind.TARGET_FULL);
    }
  }

  private static Set<Long> allUuids(Generations generations) {
    Set<Long> uuids = new HashSet<>();
    uuids.add(Generations.comparable(generations.current()));
    generations.bitmapUuids().values().forEach(uuid -> uuids.add(Generations.comparable(uuid)));
    generations.history().forEach(uuid -> uuids.add(Generations.comparable(uuid)));
    uuids.remove(0L);
    return uuids;
  }

  record Pair(ConnectingSide left, ConnectingSide right) {}

  @Provide
  Arbitrary<Pair> pairs() {
    return Combinators.combine(sides(0), sides(1)).as(Pair::new);
  }

  /** Sides drawn from a handful of UUIDs, so that matches of every kind are frequent. */
  private static Arbitrary<ConnectingSide> sides(int nodeId) {
    Arbitrary<Long> uuid = Arbitraries.of(0L, Generations.JUST_CREATED, A, A | 1, B, C, D);
    Arbitrary<Long> current = Arbitraries.of(Generations.JUST_CREATED, A, A | 1, B, C, D);
    Arbitrary<Map<Integer, Long>> bitmaps = Combinators.combine(uuid, uuid, uuid, uuid).as((b0, b1, b2, b3) -> {
      Map<Integer, Long> map = new HashMap<>();
      long[] values = {b0, b1, b2, b3};
      for (int node = 0; node < 4; node++) {
        if (node != nodeId && values[node] != 0) {
          map.put(node, values[node]);
        }
      }
      return map;
    });
    Arbitrary<List<Long>> history = uuid.list().ofMaxSize(3).map(ArrayList::new);
    return Combinators.combine(current, bitmaps, history, Arbitraries.of(Flag.class).set(),
        Arbitraries.of(Role.class), Arbitraries.of(DiskState.UpToDate, DiskState.Outdated, DiskState.Inconsistent))
        .as((currentUuid, bitmap, older, flags, role, disk) -> new ConnectingSide(nodeId,
            new Generations(currentUuid, bitmap, older), flags, role, disk));
  }
}
