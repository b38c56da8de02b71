package io.tandem.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.QuorumPolicy;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.ReplicationProtocol;
import io.tandem.engine.core.ReplicationState;
import io.tandem.engine.core.RequestKind;
import io.tandem.engine.core.ResyncRate;
import io.tandem.engine.core.SplitBrainPolicy;
import io.tandem.engine.core.Role;
import io.tandem.engine.wire.ReplicaState;
import io.tandem.engine.wire.ResyncRequest;
import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Replication between cores, step by step: connect, replicate, cut, resync, split brain, one Primary. */
class ReplicationScenariosTest {

  private static final long SIZE = 16L << 20;

  private static ByteBuffer pattern(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i * 7 + (i >> 9));
    }
    return ByteBuffer.wrap(bytes);
  }

  private static Effect.RequestCompleted write(CoreCluster cluster, int node, long offset, int length, int seed) {
    return cluster.request(node, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, offset, length, Set.of(),
        pattern(length, seed)));
  }

  private static void promote(CoreCluster cluster, int node) {
    Effect.RequestCompleted done = cluster.request(node, id -> new Event.RoleRequest(id, Role.Primary));
    assertThat(done.status()).as(String.valueOf(done.message())).isEqualTo(IoStatus.OK);
  }

  private static ReplicaStatus.PeerStatus peer(CoreCluster cluster, int node, int peerId) {
    return cluster.node(node).core.status().peers().stream().filter(p -> p.nodeId() == peerId).findFirst()
        .orElseThrow();
  }

  /** Three nodes with majority quorum, connected; alpha is Primary and wrote its first block. */
  private static CoreCluster alphaPrimaryOfThree(ReplicationProtocol protocol) throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, protocol, QuorumPolicy.MAJORITY);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    assertThat(write(cluster, 0, 0, 4096, 1).status()).isEqualTo(IoStatus.OK);
    return cluster;
  }

  /** Three connected nodes without quorum checks; {@code primary} is Primary and wrote its first block. */
  private static CoreCluster primaryOfThreeWithoutQuorum(ReplicationProtocol protocol, int primary) throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, protocol, QuorumPolicy.OFF);
    cluster.connectAll();
    cluster.run();
    promote(cluster, primary);
    assertThat(write(cluster, primary, 0, 4096, 1).status()).isEqualTo(IoStatus.OK);
    return cluster;
  }

  /** Three connected nodes without quorum checks; charlie is diskless. */
  private static CoreCluster disklessCharlieOfThree() throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF, SplitBrainPolicy.DISCONNECT,
        ResyncRate.UNLIMITED, Set.of(2));
    cluster.connectAll();
    cluster.run();
    return cluster;
  }

  /**
   * Three nodes without quorum checks; alpha, Primary, wrote 16 KiB at 1 MiB alone, while bravo and
   * charlie, connected to each other (in sync, in the older generation), missed it.
   */
  private static CoreCluster bravoAndCharlieMissAlphasWrite() throws Exception {
    CoreCluster cluster = primaryOfThreeWithoutQuorum(ReplicationProtocol.C, 0);
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    assertThat(write(cluster, 0, 1 << 20, 4 * 4096, 2).status()).isEqualTo(IoStatus.OK);
    return cluster;
  }

  /**
   * Charlie leaves alpha (Primary of three); then, while {@code onAlpha} runs, bravo's end of the
   * link to alpha dies silently: what alpha sends it is lost, and alpha learns of the loss last.
   */
  private static <T> T whileBravosLinkDiesSilently(CoreCluster cluster, java.util.function.Supplier<T> onAlpha) {
    cluster.disconnect(0, 2);
    cluster.run();
    cluster.stall(1);
    T result = onAlpha.get();
    cluster.run();
    cluster.loseWaitingMessages(1, 0);
    cluster.disconnect(0, 1);
    cluster.resume(1);
    cluster.run();
    return result;
  }

  /** Alpha connects to bravo and charlie again: in sync with both, all three holding the same data. */
  private static void alphaRejoinsTheMajority(CoreCluster cluster) {
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.run();
    for (int peer : new int[] {1, 2}) {
      assertThat(peer(cluster, 0, peer).connection()).as("alpha→" + peer).isEqualTo(ConnectionState.Connected);
      assertThat(peer(cluster, 0, peer).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
    }
    assertSameData(cluster, 0, 2);
    assertSameData(cluster, 1, 2);
  }

  private static void assertSameData(CoreCluster cluster, int a, int b) {
    assertThat(cluster.node(a).readAll(SIZE)).as(cluster.node(a).name + " vs " + cluster.node(b).name)
        .isEqualTo(cluster.node(b).readAll(SIZE));
  }

  @Test
  void freshReplicasConnectWithoutSyncAndReplicateEveryWrite() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    cluster.connectAll();
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.Connected);
    assertThat(peer(cluster, 0, 1).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
    assertThat(cluster.node(1).sent).noneMatch(m -> m instanceof ResyncRequest);

    promote(cluster, 0);
    assertThat(write(cluster, 0, 4096, 1 << 20, 1).status()).isEqualTo(IoStatus.OK);
    assertThat(write(cluster, 0, 5 << 20, 8192, 2).status()).isEqualTo(IoStatus.OK);
    assertSameData(cluster, 0, 1);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isZero();
    assertThat(cluster.node(0).core.status().volumes().get(0).currentUuid())
        .isEqualTo(cluster.node(1).core.status().volumes().get(0).currentUuid());
  }

  @Test
  void aReturningSecondaryGetsOnlyTheBlocksItMissed() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    write(cluster, 0, 0, 65536, 1);
    cluster.disconnect(0, 1);
    cluster.run();
    write(cluster, 0, 1 << 20, 3 * 4096, 2);
    write(cluster, 0, 8 << 20, 4096, 3);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isEqualTo(16);

    cluster.node(1).sent.clear();
    cluster.connect(0, 1);
    cluster.run();
    long requested = cluster.node(1).sent.stream().filter(m -> m instanceof ResyncRequest)
        .mapToLong(m -> ((ResyncRequest) m).length()).sum();
    assertThat(requested).isEqualTo(16 * 1024);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(1).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isZero();
    assertThat(peer(cluster, 1, 0).volumes().get(0).outOfSyncKib()).isZero();
    assertThat(peer(cluster, 0, 1).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
    assertThat(cluster.node(0).core.status().volumes().get(0).currentUuid())
        .isEqualTo(cluster.node(1).core.status().volumes().get(0).currentUuid());

    // and after that, writes replicate again
    write(cluster, 0, 2 << 20, 4096, 4);
    assertSameData(cluster, 0, 1);
  }

  @Test
  void bothSidesWritingApartIsASplitBrainAndNothingMoves() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    cluster.connectAll();
    cluster.run();
    cluster.disconnect(0, 1);
    cluster.run();
    promote(cluster, 0);
    write(cluster, 0, 0, 4096, 1);
    promote(cluster, 1);
    write(cluster, 1, 4096, 4096, 2);
    ByteBuffer before0 = cluster.node(0).readAll(SIZE);
    ByteBuffer before1 = cluster.node(1).readAll(SIZE);

    cluster.connect(0, 1);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(peer(cluster, 1, 0).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(cluster.node(0).core.peerProblem(1)).contains("split brain");
    assertThat(cluster.node(1).core.peerProblem(0)).contains("split brain");
    assertThat(cluster.node(0).readAll(SIZE)).isEqualTo(before0);
    assertThat(cluster.node(1).readAll(SIZE)).isEqualTo(before1);
  }

  /** Both nodes write apart; node 0 wrote more blocks than node 1. */
  private static CoreCluster splitBrain(SplitBrainPolicy policy) throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF, policy);
    cluster.connectAll();
    cluster.run();
    cluster.disconnect(0, 1);
    cluster.run();
    promote(cluster, 0);
    write(cluster, 0, 0, 3 * 4096, 1);
    cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary));
    promote(cluster, 1);
    write(cluster, 1, 1 << 20, 4096, 2);
    cluster.request(1, id -> new Event.RoleRequest(id, Role.Secondary));
    return cluster;
  }

  @Test
  void discardMyDataOnTheLosingSideResolvesASplitBrain() throws Exception {
    CoreCluster cluster = splitBrain(SplitBrainPolicy.DISCONNECT);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.StandAlone);

    Effect.RequestCompleted done = cluster.request(0, id -> new Event.DiscardMyData(id));
    assertThat(done.status()).isEqualTo(IoStatus.OK);
    // the survivor is StandAlone too: it is told to connect (DRBD: "drbdadm connect" there)
    assertThat(cluster.request(1, id -> new Event.PeerCommand(id, 0, true)).status()).isEqualTo(IoStatus.OK);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.Connected);
    assertSameData(cluster, 0, 1);
    // node 1's write survived, node 0's were dropped
    assertThat(cluster.node(1).readAll(SIZE).get(1 << 20)).isEqualTo(pattern(4096, 2).get(0));
    assertThat(cluster.node(0).readAll(SIZE).get(0)).isZero();
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isZero();
    assertThat(peer(cluster, 1, 0).volumes().get(0).outOfSyncKib()).isZero();
  }

  @Test
  void discardLeastChangesSyncsFromTheSideThatChangedMore() throws Exception {
    CoreCluster cluster = splitBrain(SplitBrainPolicy.DISCARD_LEAST_CHANGES);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.Connected);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(1).readAll(SIZE).get(0)).isEqualTo(pattern(4096, 1).get(0));
    assertThat(cluster.node(1).readAll(SIZE).get(1 << 20)).isZero();
  }

  @Test
  void discardZeroChangesLeavesABothSidedSplitBrainAlone() throws Exception {
    CoreCluster cluster = splitBrain(SplitBrainPolicy.DISCARD_ZERO_CHANGES);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(cluster.node(0).core.peerProblem(1)).contains("both sides changed blocks");
    assertThat(cluster.node(1).core.peerProblem(0)).contains("both sides changed blocks");
  }

  private static CoreCluster connectedPair(ReplicationProtocol protocol) throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, protocol, QuorumPolicy.OFF);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    write(cluster, 0, 0, 4096, 0); // the new generation is made and adopted
    return cluster;
  }

  private static long submitWrite(CoreCluster cluster, long offset, int seed) {
    return cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, offset, 4096, Set.of(),
        pattern(4096, seed)));
  }

  @Test
  void protocolCCompletesAfterThePeerWrote() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    cluster.stallDisk(1);
    long id = submitWrite(cluster, 8192, 1);
    cluster.run();
    assertThat(cluster.completion(0, id)).isNull();
    cluster.resume(1);
    cluster.run();
    assertThat(cluster.completion(0, id).status()).isEqualTo(IoStatus.OK);
    assertSameData(cluster, 0, 1);
  }

  @Test
  void protocolBCompletesWhenThePeerReceivedTheWrite() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.B);
    cluster.stallDisk(1);
    long id = submitWrite(cluster, 8192, 1);
    cluster.run();
    assertThat(cluster.completion(0, id).status()).isEqualTo(IoStatus.OK);
    // the write stays in the activity log until the peer wrote it
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isZero();
    cluster.resume(1);
    cluster.run();
    assertSameData(cluster, 0, 1);

    cluster.stall(1);
    long unreceived = submitWrite(cluster, 16384, 2);
    cluster.run();
    assertThat(cluster.completion(0, unreceived)).isNull();
    cluster.disconnect(0, 1);
    cluster.run();
    assertThat(cluster.completion(0, unreceived).status()).isEqualTo(IoStatus.OK);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isEqualTo(4);
  }

  @Test
  void protocolACompletesWithoutWaitingForThePeer() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.A);
    cluster.stall(1);
    long id = submitWrite(cluster, 8192, 1);
    cluster.run();
    assertThat(cluster.completion(0, id).status()).isEqualTo(IoStatus.OK);
    cluster.resume(1);
    cluster.run();
    assertSameData(cluster, 0, 1);
  }

  @Test
  void aFlushCompletesOnlyAfterThePeerSyncedTheWritesBeforeIt() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.A);
    for (int i = 0; i < 5; i++) {
      submitWrite(cluster, 65536L * i, i);
    }
    cluster.run();
    cluster.stallDisk(1);
    long flush = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.FLUSH, 0, 0, Set.of(), null));
    cluster.run();
    assertThat(cluster.completion(0, flush)).isNull();
    cluster.resume(1);
    cluster.run();
    assertThat(cluster.completion(0, flush).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(1).fileSystem.unsyncedOperationCount()).isZero();
  }

  @Test
  void aPeerThatFailsAWriteIsMarkedOutOfSyncForIt() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    cluster.node(1).fileSystem.setFaultPolicy(operation -> operation.kind()
        == io.tandem.engine.storage.FileOperation.Kind.WRITE && operation.path().endsWith(".img")
        ? java.util.Optional.of(new java.io.IOException("injected")) : java.util.Optional.empty());
    Effect.RequestCompleted done = write(cluster, 0, 8192, 4096, 1);
    assertThat(done.status()).isEqualTo(IoStatus.OK);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isEqualTo(4);
    assertThat(cluster.node(1).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);
  }

  /** Node 1 misses 8 MiB, then reconnects with the given rate; returns the cluster before the resync runs. */
  private static CoreCluster eightMibBehind(ResyncRate rate) throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF, SplitBrainPolicy.DISCONNECT,
        rate);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    cluster.disconnect(0, 1);
    cluster.run();
    for (int i = 0; i < 8; i++) {
      write(cluster, 0, (long) i << 20, 1 << 20, i);
    }
    cluster.connect(0, 1);
    return cluster;
  }

  private static long resyncedBytes(CoreCluster cluster) {
    return cluster.node(1).sent.stream().filter(m -> m instanceof ResyncRequest)
        .mapToLong(m -> ((ResyncRequest) m).length()).sum();
  }

  @Test
  void aFixedResyncRateIsKept() throws Exception {
    CoreCluster cluster = eightMibBehind(ResyncRate.fixed(2048));
    cluster.run();
    long nanos = 0;
    int ticks = 0;
    while (peer(cluster, 1, 0).volumes().get(0).replication() != ReplicationState.Established) {
      nanos += 100_000_000L;
      ticks++;
      long at = nanos;
      cluster.submit(1, id -> new Event.Tick(at));
      cluster.run();
      if (ticks == 10) {
        // one second at 2 MiB/s, plus the first request's head start
        assertThat(resyncedBytes(cluster)).isBetween(2L << 20, 3L << 20);
        assertThat(peer(cluster, 1, 0).volumes().get(0).resyncKibPerSecond()).isBetween(1024L, 4096L);
      }
      assertThat(ticks).isLessThan(100);
    }
    assertThat(ticks).isBetween(30, 45);
    assertSameData(cluster, 0, 1);
  }

  /**
   * Alpha wrote all 16 MiB as Primary and stepped down; bravo's disk was replaced, so bravo takes everything from
   * alpha at 4 MiB/s. Two seconds (of ticks on both nodes) into that full sync this returns, the
   * sync about half done.
   */
  private static CoreCluster halfwayThroughAFullSync() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF, SplitBrainPolicy.DISCONNECT,
        ResyncRate.fixed(4096));
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    for (int i = 0; i < 16; i++) {
      write(cluster, 0, (long) i << 20, 1 << 20, i);
    }
    // stepping down empties alpha's activity log: a crash of alpha later marks no extent
    Effect.RequestCompleted demoted = cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary));
    assertThat(demoted.status()).isEqualTo(IoStatus.OK);
    cluster.replaceDisk(1);
    cluster.node(1).sent.clear();
    cluster.connect(0, 1);
    cluster.run();
    assertThat(cluster.node(1).notices).anyMatch(n -> n.contains("SyncTarget of everything"));
    tickUntil(cluster, c -> c.tickNanos >= 2_000_000_000L);
    assertThat(resyncedBytes(cluster)).isBetween(6L << 20, 10L << 20);
    return cluster;
  }

  /** Sends both nodes a tick every 100 ms (virtual) until {@code done} holds; at most 100 of them. */
  private static void tickUntil(CoreCluster cluster, java.util.function.Predicate<CoreCluster> done) {
    for (int tick = 0; !done.test(cluster); tick++) {
      assertThat(tick).as("ticks").isLessThan(100);
      cluster.tickNanos += 100_000_000L;
      long at = cluster.tickNanos;
      cluster.submit(0, id -> new Event.Tick(at));
      cluster.submit(1, id -> new Event.Tick(at));
      cluster.run();
    }
  }

  /** Ticks until bravo's resync from alpha ended; asserts the copies match and returns the bytes bravo asked for. */
  private static long finishResync(CoreCluster cluster) {
    tickUntil(cluster, c -> peer(c, 1, 0).connection() == ConnectionState.Connected
        && peer(c, 1, 0).volumes().get(0).replication() == ReplicationState.Established);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(1).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isZero();
    return resyncedBytes(cluster);
  }

  /** Connects alpha and bravo again, bravo's record of what it sent and logged started afresh. */
  private static void reconnectBravo(CoreCluster cluster) {
    cluster.node(1).sent.clear();
    cluster.node(1).notices.clear();
    cluster.connect(0, 1);
    cluster.run();
  }

  @Test
  void anInterruptedFullSyncGoesOnWhereItStopped() throws Exception {
    CoreCluster cluster = halfwayThroughAFullSync();
    long before = resyncedBytes(cluster);
    cluster.disconnect(0, 1);
    cluster.run();
    assertThat(cluster.node(1).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Inconsistent);
    // alpha, Primary again, writes meanwhile: that block joins what is left
    promote(cluster, 0);
    write(cluster, 0, 0, 4096, 99);

    reconnectBravo(cluster);
    assertThat(cluster.node(1).notices).anyMatch(n -> n.contains("full sync from the peer was interrupted"));
    assertThat(finishResync(cluster)).isEqualTo(SIZE - before + 4096);
  }

  @Test
  void aFullSyncCutOffByTheTargetsCrashGoesOnFromItsLastBitmapWrite() throws Exception {
    CoreCluster cluster = halfwayThroughAFullSync();
    long before = resyncedBytes(cluster);
    cluster.restart(1);
    assertThat(cluster.node(1).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Inconsistent);

    reconnectBravo(cluster);
    // what bravo had synced by its last lazy bitmap write (at most a second before the crash) stays done
    assertThat(finishResync(cluster)).isLessThanOrEqualTo(SIZE - before + (5L << 20));
  }

  @Test
  void aFullSyncCutOffByTheSourcesCrashGoesOnFromItsLastBitmapWrite() throws Exception {
    CoreCluster cluster = halfwayThroughAFullSync();
    long before = resyncedBytes(cluster);
    cluster.restart(0);

    reconnectBravo(cluster);
    assertThat(finishResync(cluster)).isLessThanOrEqualTo(SIZE - before + (5L << 20));
  }

  @Test
  void theDynamicRateYieldsToApplicationWrites() throws Exception {
    CoreCluster cluster = eightMibBehind(ResyncRate.dynamic(512, 8192));
    cluster.run();
    long nanos = 0;
    for (int tick = 1; tick <= 10; tick++) {
      // the application writes 8 MiB/s: the resync drops to its minimum
      write(cluster, 0, 12L << 20, 819_200 / 2, tick);
      write(cluster, 0, (12L << 20) + 819_200 / 2, 819_200 / 2, tick);
      nanos += 100_000_000L;
      long at = nanos;
      cluster.submit(1, id -> new Event.Tick(at));
      cluster.run();
    }
    long busy = resyncedBytes(cluster);
    assertThat(busy).isLessThanOrEqualTo(2L << 20);
    for (int tick = 1; tick <= 10; tick++) {
      nanos += 100_000_000L;
      long at = nanos;
      cluster.submit(1, id -> new Event.Tick(at));
      cluster.run();
    }
    // idle: up to 8 MiB/s, so the rest (about 7 MiB) is done within the second
    assertThat(peer(cluster, 1, 0).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
    assertSameData(cluster, 0, 1);
  }

  private static ByteBuffer read(CoreCluster cluster, int node, long offset, int length) {
    Effect.RequestCompleted done = cluster.request(node, id -> new Event.ClientRequest(id, 0, RequestKind.READ, offset,
        length, Set.of(), null));
    assertThat(done.status()).as(String.valueOf(done.message())).isEqualTo(IoStatus.OK);
    return done.data();
  }

  @Test
  void aDisklessPrimaryWritesAndReadsThroughItsPeers() throws Exception {
    CoreCluster cluster = disklessCharlieOfThree();
    assertThat(cluster.node(2).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Diskless);
    promote(cluster, 2);
    assertThat(write(cluster, 2, 65536, 131072, 5).status()).isEqualTo(IoStatus.OK);
    assertThat(read(cluster, 2, 65536, 131072)).isEqualTo(pattern(131072, 5));
    assertThat(cluster.request(2, id -> new Event.ClientRequest(id, 0, RequestKind.FLUSH, 0, 0, Set.of(), null))
        .status()).isEqualTo(IoStatus.OK);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(0).readAll(SIZE).slice(65536, 131072)).isEqualTo(pattern(131072, 5));

    // one diskful peer gone: the other still takes the writes, and tracks them for the absent one
    cluster.disconnect(0, 2);
    cluster.disconnect(0, 1);
    cluster.run();
    assertThat(write(cluster, 2, 0, 4096, 6).status()).isEqualTo(IoStatus.OK);
    assertThat(peer(cluster, 1, 0).volumes().get(0).outOfSyncKib()).isEqualTo(4);
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.run();
    assertSameData(cluster, 0, 1);
  }

  @Test
  void aBitmapFromAPeerWithoutASlotIsAProtocolErrorNotACrash() throws Exception {
    CoreCluster cluster = disklessCharlieOfThree();
    long connection = cluster.connectionId(0, 2);
    cluster.submit(0, id -> new Event.PeerReceived(2, connection, new io.tandem.engine.wire.BitmapRuns(0, true,
        java.util.List.of(new io.tandem.engine.wire.BitmapRuns.BlockRun(0, 1)))));
    cluster.run();
    assertThat(peer(cluster, 0, 2).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(cluster.node(0).core.peerProblem(2)).contains("protocol error", "keeps no bitmap here for charlie");
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.Connected);
  }

  /** Every later operation on the data file of {@code node} fails with a medium error. */
  private static void failDataFile(CoreCluster cluster, int node) {
    cluster.node(node).fileSystem.setFaultPolicy(operation -> operation.path().endsWith(".img")
        ? java.util.Optional.of(new java.io.IOException("injected medium error")) : java.util.Optional.empty());
  }

  @Test
  void aPrimaryWhoseDiskFailsDetachesAndGoesOnThroughItsPeer() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    failDataFile(cluster, 0);
    assertThat(write(cluster, 0, 8192, 4096, 1).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);
    assertThat(write(cluster, 0, 1 << 20, 65536, 2).status()).isEqualTo(IoStatus.OK);
    assertThat(read(cluster, 0, 8192, 4096)).isEqualTo(pattern(4096, 1));
    assertThat(read(cluster, 0, 1 << 20, 65536)).isEqualTo(pattern(65536, 2));

    // repaired and restarted, it takes back what it missed
    cluster.restart(0);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(0).readAll(SIZE).slice(1 << 20, 65536)).isEqualTo(pattern(65536, 2));
  }

  @Test
  void aPrimaryWhoseDiskFailedReadsOnlyFromAPeerThatHoldsItsGeneration() throws Exception {
    CoreCluster cluster = primaryOfThreeWithoutQuorum(ReplicationProtocol.C, 2);
    // alpha is away while charlie writes with bravo: alpha stays in the older generation
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    assertThat(write(cluster, 2, 8192, 4096, 2).status()).isEqualTo(IoStatus.OK);
    failDataFile(cluster, 2);
    assertThat(write(cluster, 2, 16384, 4096, 3).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(2).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);
    // alpha, UpToDate in the older generation, comes back to charlie first in node order
    cluster.connect(0, 2);
    cluster.run();
    assertThat(read(cluster, 2, 8192, 4096)).isEqualTo(pattern(4096, 2));
    assertThat(read(cluster, 2, 16384, 4096)).isEqualTo(pattern(4096, 3));
  }

  @Test
  void writesOfAPrimaryWhoseDiskFailedStayMarkedForItOnItsPeer() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    failDataFile(cluster, 0);
    assertThat(write(cluster, 0, 8192, 4096, 1).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);
    // alpha serves through bravo now: bravo alone holds these 16 whole blocks, and must keep them
    // marked for alpha although alpha sent them
    assertThat(write(cluster, 0, 1 << 20, 65536, 2).status()).isEqualTo(IoStatus.OK);
    assertThat(peer(cluster, 1, 0).volumes().get(0).outOfSyncKib()).isGreaterThanOrEqualTo(64);
  }

  @Test
  void aPeersAcknowledgementKeepsTheMarkOfABlockTheFailedLocalDiskLacks() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    failDataFile(cluster, 0);
    // alpha's own write fails while bravo's acknowledgement is still on its way
    cluster.stall(1);
    long first = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 8192, 4096, Set.of(),
        pattern(4096, 1)));
    cluster.run();
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);
    cluster.resume(1);
    cluster.run();
    assertThat(cluster.completion(0, first).status()).isEqualTo(IoStatus.OK);
    // bravo wrote the block, alpha's disk did not: it stays marked between them
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isEqualTo(4);
    // and a later write through bravo over the same block does not clear it either
    assertThat(write(cluster, 0, 8192, 4096, 2).status()).isEqualTo(IoStatus.OK);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isEqualTo(4);
  }

  @Test
  void aDiskThatFailedComesBackBehindItsPeerNotAsASource() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    cluster.node(0).fileSystem.setFaultPolicy(operation -> operation.kind()
        == io.tandem.engine.storage.FileOperation.Kind.WRITE && operation.path().endsWith(".img")
        ? java.util.Optional.of(new java.io.IOException("injected medium error")) : java.util.Optional.empty());
    // acknowledged because bravo wrote it; alpha's disk misses it
    assertThat(write(cluster, 0, 8192, 4096, 1).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Failed);

    // alpha crashes before writing anything else; its disk works again after the restart
    cluster.disconnect(0, 1);
    cluster.run();
    cluster.node(0).fileSystem.setFaultPolicy(operation -> java.util.Optional.empty());
    cluster.restart(0);
    cluster.run();
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.Outdated);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(1).readAll(SIZE).slice(8192, 4096)).isEqualTo(pattern(4096, 1));
  }

  /**
   * With alpha Primary of three, bravo writes alpha's next write and charlie never receives it
   * (its connection to alpha breaks with the write in flight). Returns the request id of that write.
   */
  private static long charlieMissesAWrite(CoreCluster cluster) {
    cluster.stall(2);
    long missed = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 8192, 4096, Set.of(),
        pattern(4096, 2)));
    cluster.runUntil(c -> false);
    cluster.loseWaitingMessages(2, 0);
    return missed;
  }

  @Test
  void aWriteASecondaryMissedIsMarkedByTheOtherSecondaryFromThePeerAck() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    long missed = charlieMissesAWrite(cluster);
    cluster.disconnect(0, 2);
    cluster.run();
    assertThat(cluster.completion(0, missed).status()).isEqualTo(IoStatus.OK);
    // bravo learned from the PEER_ACK that charlie lacks the write, and tells charlie
    assertThat(peer(cluster, 1, 2).volumes().get(0).outOfSyncKib()).isEqualTo(4);
    cluster.resume(2);
    cluster.run();
    assertThat(cluster.node(2).readAll(SIZE).slice(8192, 4096)).isEqualTo(pattern(4096, 2));
    assertSameData(cluster, 1, 2);
    assertThat(peer(cluster, 1, 2).volumes().get(0).outOfSyncKib()).isZero();
  }

  @Test
  void secondariesThatLoseThePrimaryWithAWriteUnsettledReconcileFromTheOneThatHoldsMore() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    charlieMissesAWrite(cluster);
    // alpha is lost before it could tell anyone who wrote the second write
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.resume(2);
    cluster.run();
    assertThat(peer(cluster, 1, 2).connection()).isEqualTo(ConnectionState.Connected);
    assertThat(cluster.node(2).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertThat(cluster.node(2).readAll(SIZE).slice(8192, 4096)).isEqualTo(pattern(4096, 2));
    assertSameData(cluster, 1, 2);
  }

  @Test
  void aProtocolAPrimaryThatLostQuorumAfterWritesNoPeerWroteTakesTheMajoritysData() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.A);
    // protocol A: alpha completes a write in a generation bravo never hears of, then loses quorum
    Effect.RequestCompleted written = whileBravosLinkDiesSilently(cluster, () -> write(cluster, 0, 8192, 4096, 2));
    assertThat(written.status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);

    // bravo and charlie move on
    cluster.connect(1, 2);
    cluster.run();
    promote(cluster, 1);
    write(cluster, 1, 1 << 20, 4096, 3);

    // no peer wrote what alpha acknowledged (a peer that had would hold alpha's generation, and the
    // others would have moved on from it): protocol A allows losing it in this failover, so it is
    // no split brain; alpha takes the majority's data
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.Connected);
    assertThat(peer(cluster, 0, 1).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
    assertThat(cluster.node(0).notices).anyMatch(n -> n.contains("promised no write since it branched off"));
    assertSameData(cluster, 0, 1);
    assertSameData(cluster, 1, 2);
    assertThat(cluster.node(0).readAll(SIZE).slice(1 << 20, 4096)).isEqualTo(pattern(4096, 3));
  }

  @Test
  void aProtocolAPrimaryWhoseBranchAPeerWroteMeetsAnotherBranchAsASplitBrain() throws Exception {
    CoreCluster cluster = primaryOfThreeWithoutQuorum(ReplicationProtocol.A, 0);
    // charlie leaves; alpha writes in a new generation that bravo writes too
    cluster.disconnect(0, 2);
    cluster.disconnect(1, 2);
    cluster.run();
    assertThat(write(cluster, 0, 8192, 4096, 2).status()).isEqualTo(IoStatus.OK);
    cluster.disconnect(0, 1);
    cluster.run();
    assertThat(cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);
    // charlie, alone and without quorum checks, is made Primary and writes
    promote(cluster, 2);
    assertThat(write(cluster, 2, 1 << 20, 4096, 3).status()).isEqualTo(IoStatus.OK);

    // alpha's branch holds a write a peer confirmed: that is a promise, so nothing moves
    cluster.connect(0, 2);
    cluster.run();
    assertThat(peer(cluster, 0, 2).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(cluster.node(0).core.peerProblem(2)).contains("split brain");
    assertThat(cluster.node(0).readAll(SIZE).slice(8192, 4096)).isEqualTo(pattern(4096, 2));
    assertThat(cluster.node(2).readAll(SIZE).slice(1 << 20, 4096)).isEqualTo(pattern(4096, 3));
  }



  @Test
  void aFuaWriteWaitsForThePeerEvenWithProtocolA() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.A);
    cluster.stall(1);
    long fua = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 8192, 4096,
        Set.of(io.tandem.engine.core.RequestFlag.FUA), pattern(4096, 1)));
    cluster.runUntil(c -> false);
    assertThat(cluster.completion(0, fua)).as("completed before the peer wrote it").isNull();
    cluster.resume(1);
    cluster.run();
    assertThat(cluster.completion(0, fua).status()).isEqualTo(IoStatus.OK);
  }

  @Test
  void aFlushIsNotConfirmedWhenThePrimaryLosesQuorumWaitingForIt() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    cluster.stall(1);
    cluster.stall(2);
    long flush = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.FLUSH, 0, 0, Set.of(), null));
    cluster.runUntil(c -> false);
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    assertThat(cluster.completion(0, flush).status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(cluster.completion(0, flush).message()).contains("lost quorum");
  }

  @Test
  void aNodeThatAgreedToAPromotionDoesNotGiveAnotherPrimaryItsVoteMeanwhile() throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, ReplicationProtocol.C, QuorumPolicy.MAJORITY);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 2);
    // charlie is cut off and stays Primary without quorum
    cluster.disconnect(0, 2);
    cluster.disconnect(1, 2);
    cluster.run();
    // bravo asks alpha to agree to its promotion; alpha says yes, and before bravo commits, alpha
    // connects to charlie again
    long promotion = cluster.submit(1, id -> new Event.RoleRequest(id, Role.Primary));
    cluster.runUntil(c -> c.node(1).sent.stream().anyMatch(m -> m instanceof io.tandem.engine.wire.TwoPhase));
    cluster.stall(1);
    cluster.runUntil(c -> false);
    cluster.connect(0, 2);
    cluster.runUntil(c -> false);
    cluster.resume(1);
    cluster.run();
    assertThat(cluster.completion(1, promotion).status()).isEqualTo(IoStatus.OK);
    // alpha takes writes from bravo: its connection to charlie, also Primary, gives charlie no vote
    assertThat(cluster.node(2).core.status().quorum().hasQuorum()).isFalse();
    assertThat(peer(cluster, 0, 2).connection()).isNotEqualTo(ConnectionState.Connected);
  }

  @Test
  void resyncDataFromASecondaryNeverHidesANewerWriteOfThePrimary() throws Exception {
    // charlie is a diskless Primary: alpha, back after missing a write, resyncs from bravo
    CoreCluster cluster = disklessCharlieOfThree();
    promote(cluster, 2);
    write(cluster, 2, 0, 4096, 1);
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    write(cluster, 2, 8192, 4096, 2);
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.runUntil(c -> c.node(0).sent.stream().anyMatch(m -> m instanceof ResyncRequest));
    // bravo is slow to answer; meanwhile charlie overwrites the block alpha asked bravo for
    cluster.stall(1);
    long newer = cluster.submit(2, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 8192, 4096, Set.of(),
        pattern(4096, 3)));
    cluster.runUntil(c -> false);
    cluster.resume(1);
    cluster.run();
    assertThat(cluster.completion(2, newer).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(0).readAll(SIZE).slice(8192, 4096)).isEqualTo(pattern(4096, 3));
    assertSameData(cluster, 0, 1);
  }

  @Test
  void onlineVerifyReportsBlocksThatDifferAndMarksThem() throws Exception {
    CoreCluster cluster = connectedPair(ReplicationProtocol.C);
    write(cluster, 0, 1 << 20, 65536, 3);
    cluster.scribble(1, (1 << 20) + 8192, pattern(4096, 77));
    cluster.scribble(1, 9 << 20, pattern(512, 78));
    Effect.RequestCompleted started = cluster.request(0, id -> new Event.Verify(id));
    assertThat(started.status()).isEqualTo(IoStatus.OK);
    cluster.run();
    ReplicaStatus.PeerVolume towardsBravo = peer(cluster, 0, 1).volumes().get(0);
    assertThat(towardsBravo.verify()).isEqualTo(new ReplicaStatus.Verify(false, 100.0, 8));
    assertThat(towardsBravo.outOfSyncKib()).isEqualTo(8);
    assertThat(towardsBravo.replication()).isEqualTo(ReplicationState.Established);

    // reported, not repaired; a reconnect resyncs exactly those blocks
    cluster.node(1).sent.clear();
    cluster.disconnect(0, 1);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(resyncedBytes(cluster)).isEqualTo(8192);
    assertSameData(cluster, 0, 1);
  }

  @Test
  void checksumResyncFetchesOnlyTheBlocksThatDiffer() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    cluster.checksumResync = true;
    cluster.restart(0);
    cluster.restart(1);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    cluster.disconnect(0, 1);
    cluster.run();
    write(cluster, 0, 2 << 20, 16 * 4096, 4);
    // bravo already holds the same bytes in the first 12 of those 16 blocks
    cluster.scribble(1, 2 << 20, pattern(16 * 4096, 4).limit(12 * 4096));
    cluster.node(1).sent.clear();
    cluster.connect(0, 1);
    cluster.run();
    assertThat(resyncedBytes(cluster)).isEqualTo(4 * 4096);
    assertSameData(cluster, 0, 1);
    assertThat(peer(cluster, 0, 1).volumes().get(0).outOfSyncKib()).isZero();
    assertThat(peer(cluster, 1, 0).volumes().get(0).outOfSyncKib()).isZero();
  }

  @Test
  void onlyOneNodeIsPrimary() throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, ReplicationProtocol.C, QuorumPolicy.MAJORITY);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    Effect.RequestCompleted refused = cluster.request(2, id -> new Event.RoleRequest(id, Role.Primary));
    assertThat(refused.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(refused.message()).contains("alpha is Primary");
    Effect.RequestCompleted demoted = cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary));
    assertThat(demoted.status()).isEqualTo(IoStatus.OK);
    promote(cluster, 2);
  }

  @Test
  void aPrimaryNeverJoinsANodeThatTakesWritesFromAnotherPrimary() throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    cluster.connect(0, 1);
    cluster.run();
    promote(cluster, 0);
    promote(cluster, 2); // alone, with quorum off
    cluster.connect(1, 2);
    cluster.run();
    // bravo takes alpha's writes: charlie's link to it stays up but unused, on both sides
    assertThat(peer(cluster, 1, 2).connection()).isEqualTo(ConnectionState.Connecting);
    assertThat(peer(cluster, 2, 1).connection()).isEqualTo(ConnectionState.Connecting);
    assertThat(cluster.node(2).core.peerProblem(1)).contains("takes writes from another Primary");
    assertThat(cluster.node(1).core.peerProblem(2)).contains("takes writes from another Primary");
    write(cluster, 0, 0, 4096, 1);
    assertSameData(cluster, 0, 1);
    assertThat(cluster.node(2).readAll(SIZE).get(0)).isZero();

    // once charlie demotes, both sides connect afresh and charlie catches up with alpha's write
    assertThat(cluster.request(2, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);
    cluster.run();
    assertThat(peer(cluster, 1, 2).connection()).isEqualTo(ConnectionState.Connected);
    assertThat(peer(cluster, 2, 1).connection()).isEqualTo(ConnectionState.Connected);
    assertThat(cluster.node(2).core.peerProblem(1)).isNull();
    assertSameData(cluster, 1, 2);
  }

  @Test
  void anUnwrittenGenerationYieldsToAMajorityThatMovedOn() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    // a write in flight when alpha loses both peers: it starts a generation nothing is written in
    cluster.stall(1);
    cluster.stall(2);
    long inFlight = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 8192, 4096, Set.of(),
        pattern(4096, 2)));
    cluster.runUntil(c -> false);
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    assertThat(cluster.completion(0, inFlight).status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(cluster.node(0).core.status().volumes().get(0).currentUuid())
        .isNotEqualTo(cluster.node(1).core.status().volumes().get(0).currentUuid());
    assertThat(cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);

    // bravo and charlie move on without alpha
    cluster.resume(1);
    cluster.resume(2);
    cluster.run();
    cluster.connect(1, 2);
    cluster.run();
    promote(cluster, 1);
    write(cluster, 1, 1 << 20, 4096, 3);

    // alpha comes back: no split brain, it takes the majority's data
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.run();
    for (int other : new int[] {1, 2}) {
      assertThat(peer(cluster, 0, other).connection()).isEqualTo(ConnectionState.Connected);
      assertThat(cluster.node(0).core.peerProblem(other)).isNull();
    }
    assertThat(cluster.node(0).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertThat(cluster.node(0).core.status().volumes().get(0).currentUuid())
        .isEqualTo(cluster.node(1).core.status().volumes().get(0).currentUuid());
    assertSameData(cluster, 0, 1);
    assertSameData(cluster, 0, 2);
    assertThat(cluster.node(0).readAll(SIZE).get(1 << 20)).isEqualTo(pattern(4096, 3).get(0));
  }

  @Test
  void concurrentPromotionsCannotBothWin() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    cluster.connectAll();
    cluster.run();
    long first = cluster.submit(0, id -> new Event.RoleRequest(id, Role.Primary));
    long second = cluster.submit(1, id -> new Event.RoleRequest(id, Role.Primary));
    cluster.run();
    long winners = java.util.stream.Stream.of(cluster.node(0).completions.get(first),
        cluster.node(1).completions.get(second)).filter(c -> c.status() == IoStatus.OK).count();
    assertThat(winners).isLessThanOrEqualTo(1);
    assertThat(cluster.nodes.stream().filter(n -> n.core.role() == Role.Primary).count()).isLessThanOrEqualTo(1);
  }

  @Test
  void aThirdNodeCatchesUpFromThePrimaryWhileItWrites() throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, ReplicationProtocol.C, QuorumPolicy.MAJORITY);
    cluster.connect(0, 1);
    cluster.run();
    promote(cluster, 0);
    for (int i = 0; i < 40; i++) {
      write(cluster, 0, (long) i * 256 * 1024, 64 * 1024, i);
    }
    cluster.connect(0, 2);
    cluster.connect(1, 2);
    // writes while the resync runs
    for (int i = 0; i < 10; i++) {
      cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 4096, 8192, Set.of(),
          pattern(8192, 99)));
    }
    cluster.run();
    assertSameData(cluster, 0, 1);
    assertSameData(cluster, 0, 2);
    for (int node = 0; node < 3; node++) {
      assertThat(cluster.node(node).core.status().volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
      for (ReplicaStatus.PeerStatus peer : cluster.node(node).core.status().peers()) {
        assertThat(peer.volumes().get(0).replication()).as(cluster.node(node).name + "→" + peer.name())
            .isEqualTo(ReplicationState.Established);
        assertThat(peer.volumes().get(0).outOfSyncKib()).as(cluster.node(node).name + "→" + peer.name()).isZero();
      }
    }
  }

  @Test
  void aConnectionThatComesUpWhileAResyncEndsComparesTheAdoptedGeneration() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    cluster.disconnect(0, 1);
    cluster.disconnect(1, 2);
    cluster.run();
    assertThat(write(cluster, 0, 1 << 20, 8 * 4096, 2).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);

    // bravo resyncs from charlie; the superblock that ends it (the adopted generation) is being written
    cluster.connect(1, 2);
    assertThat(cluster.runUntil(c -> c.node(1).notices.stream().anyMatch(n -> n.contains("resync from charlie done"))))
        .isTrue();
    cluster.stallDisk(1);
    // meanwhile alpha connects: bravo holds its state back until it reports the adopted generation
    cluster.node(1).sent.clear();
    cluster.connect(0, 1);
    cluster.run();
    assertThat(cluster.node(1).sent).noneMatch(m -> m instanceof ReplicaState);
    cluster.resume(1);
    cluster.run();

    assertThat(peer(cluster, 1, 2).volumes().get(0).resyncReceivedBytes()).isEqualTo(8 * 4096);
    assertThat(peer(cluster, 1, 0).volumes().get(0).resyncReceivedBytes()).as("taken again from alpha").isZero();
    assertSameData(cluster, 0, 1);
    assertSameData(cluster, 0, 2);
    for (int node = 0; node < 3; node++) {
      for (ReplicaStatus.PeerStatus peer : cluster.node(node).core.status().peers()) {
        assertThat(peer.connection()).as(cluster.node(node).name + "→" + peer.name())
            .isEqualTo(ConnectionState.Connected);
        assertThat(peer.volumes().get(0).replication()).as(cluster.node(node).name + "→" + peer.name())
            .isEqualTo(ReplicationState.Established);
      }
    }
  }

  @Test
  void aSyncTargetMarksWhatItResyncsForAPeerThatIsAway() throws Exception {
    CoreCluster cluster = bravoAndCharlieMissAlphasWrite();
    // bravo takes it from alpha while charlie is away
    cluster.disconnect(1, 2);
    cluster.connect(0, 1);
    cluster.run();
    assertSameData(cluster, 0, 1);
    assertThat(peer(cluster, 1, 2).volumes().get(0).outOfSyncKib()).as("bravo's marks for charlie").isEqualTo(16);
    // charlie meets bravo first: it must get the blocks bravo took from alpha
    cluster.disconnect(0, 1);
    cluster.connect(1, 2);
    cluster.run();
    assertSameData(cluster, 1, 2);
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.run();
    assertSameData(cluster, 0, 2);
  }

  @Test
  void aPrimaryThatLostQuorumWithNothingAcknowledgedTakesTheMajoritysData() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    // alpha's next write starts a generation that reaches nobody, and fails when alpha notices it
    // lost bravo (and quorum)
    long lost = whileBravosLinkDiesSilently(cluster, () -> cluster.submit(0, id -> new Event.ClientRequest(id, 0,
        RequestKind.WRITE, 8192, 4096, Set.of(), pattern(4096, 7))));
    assertThat(cluster.completion(0, lost).status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);

    // the majority goes on: charlie is promoted and writes
    promote(cluster, 2);
    assertThat(write(cluster, 2, 8192, 4096, 8).status()).isEqualTo(IoStatus.OK);
    assertThat(write(cluster, 2, 1 << 20, 4096, 9).status()).isEqualTo(IoStatus.OK);

    // alpha's branch holds no acknowledged write: it is no split brain, alpha takes the majority's data
    alphaRejoinsTheMajority(cluster);
    assertThat(cluster.node(0).notices).anyMatch(n -> n.contains("promised no write since it branched off"));
  }

  @Test
  void aPrimaryStillWithoutQuorumAndNothingAcknowledgedIsMadeSecondaryAndTakesTheMajoritysData() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    long lost = whileBravosLinkDiesSilently(cluster, () -> cluster.submit(0, id -> new Event.ClientRequest(id, 0,
        RequestKind.WRITE, 8192, 4096, Set.of(), pattern(4096, 7))));
    assertThat(cluster.completion(0, lost).status()).isEqualTo(IoStatus.IO_ERROR);

    // the majority goes on without alpha, which stays Primary (nobody stopped its application)
    promote(cluster, 2);
    assertThat(write(cluster, 2, 8192, 4096, 8).status()).isEqualTo(IoStatus.OK);
    assertThat(write(cluster, 2, 1 << 20, 4096, 9).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.request(2, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);

    alphaRejoinsTheMajority(cluster);
    // like DRBD's force-secondary: alpha stops being Primary, so its application cannot go on
    // believing in what the resync took back; promoted again, it writes with quorum
    assertThat(cluster.node(0).core.role()).isEqualTo(Role.Secondary);
    assertThat(cluster.node(0).notices).anyMatch(n -> n.startsWith("made Secondary: volume 0 takes the data of"));
    assertThat(write(cluster, 0, 2 << 20, 4096, 10).status()).isEqualTo(IoStatus.NOT_PERMITTED);
    promote(cluster, 0);
    assertThat(read(cluster, 0, 8192, 4096)).isEqualTo(pattern(4096, 8));
    assertThat(write(cluster, 0, 2 << 20, 4096, 10).status()).isEqualTo(IoStatus.OK);
    assertSameData(cluster, 0, 1);
  }

  @Test
  void aClientAttachedWhenItsPrimaryIsMadeSecondaryGetsErrorsUntilItAttachesAgain() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    assertThat(cluster.request(0, id -> new Event.ClientAttach(id, Event.Access.READ_WRITE)).status())
        .isEqualTo(IoStatus.OK);
    long lost = whileBravosLinkDiesSilently(cluster, () -> cluster.submit(0, id -> new Event.ClientRequest(id, 0,
        RequestKind.WRITE, 8192, 4096, Set.of(), pattern(4096, 7))));
    assertThat(cluster.completion(0, lost).status()).isEqualTo(IoStatus.IO_ERROR);
    promote(cluster, 2);
    assertThat(write(cluster, 2, 8192, 4096, 8).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.request(2, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);
    cluster.connect(0, 1);
    cluster.connect(0, 2);
    cluster.run();
    assertThat(cluster.node(0).core.role()).isEqualTo(Role.Secondary);

    // the client still attached to alpha read and wrote the branch the resync took back: errors
    Effect.RequestCompleted refused = cluster.request(0, id -> new Event.ClientRequest(id, 0, RequestKind.READ, 8192,
        4096, Set.of(), null));
    assertThat(refused.status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(refused.message()).contains("was made Secondary").contains("attach again");
    cluster.submit(0, id -> new Event.ClientDetach(Event.Access.READ_WRITE));
    cluster.run();
    assertThat(cluster.request(0, id -> new Event.ClientAttach(id, Event.Access.READ_WRITE)).status())
        .isEqualTo(IoStatus.OK);
    assertThat(cluster.node(0).core.role()).isEqualTo(Role.Primary);
    assertThat(read(cluster, 0, 8192, 4096)).isEqualTo(pattern(4096, 8));
  }

  @Test
  void aPrimaryThatAcknowledgesAWriteWhileConnectingConnectsAfreshWithoutItsClaim() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    long lost = whileBravosLinkDiesSilently(cluster, () -> cluster.submit(0, id -> new Event.ClientRequest(id, 0,
        RequestKind.WRITE, 8192, 4096, Set.of(), pattern(4096, 7))));
    assertThat(cluster.completion(0, lost).status()).isEqualTo(IoStatus.IO_ERROR);
    // alpha, still Primary, regains quorum with charlie; its state, claiming nothing acknowledged
    // since it branched off, goes out to bravo, which has not answered yet
    cluster.connect(0, 2);
    cluster.run();
    cluster.stall(1);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(write(cluster, 0, 1 << 20, 4096, 11).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.node(0).notices).anyMatch(n -> n.contains("with bravo: a write was acknowledged"));
    cluster.resume(1);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.Connected);
    assertThat(peer(cluster, 0, 1).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
    assertSameData(cluster, 0, 1);
    assertSameData(cluster, 0, 2);
    assertThat(read(cluster, 1, 1 << 20, 4096)).isEqualTo(pattern(4096, 11));
  }

  @Test
  void aWriteQueuedWhenQuorumGoesIsNotAcknowledged() throws Exception {
    CoreCluster cluster = alphaPrimaryOfThree(ReplicationProtocol.C);
    cluster.disconnect(0, 2);
    cluster.run();
    // alpha's next write waits for the new generation to be durable; meanwhile bravo goes too
    cluster.stallDisk(0);
    long queued = cluster.submit(0, id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, 8192, 4096, Set.of(),
        pattern(4096, 5)));
    cluster.run();
    cluster.disconnect(0, 1);
    cluster.run();
    cluster.resume(0);
    cluster.run();
    Effect.RequestCompleted done = cluster.completion(0, queued);
    assertThat(done.status()).isEqualTo(IoStatus.IO_ERROR);
    assertThat(done.message()).contains("lost quorum");
  }

  @Test
  void aPeerInSyncWithASyncTargetGetsWhatTheTargetResynced() throws Exception {
    CoreCluster cluster = bravoAndCharlieMissAlphasWrite();
    // bravo resyncs it from alpha; charlie, never meeting alpha, must get it from bravo
    cluster.connect(0, 1);
    cluster.run();
    assertSameData(cluster, 0, 1);
    assertSameData(cluster, 1, 2);
    assertThat(peer(cluster, 1, 2).volumes().get(0).replication()).isEqualTo(ReplicationState.Established);
  }

  @Test
  void aSourceThatTakesANewerGenerationMidResyncMarksItForItsTarget() throws Exception {
    CoreCluster cluster = primaryOfThreeWithoutQuorum(ReplicationProtocol.C, 1);
    // alpha misses bravo's next write, charlie the one after
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    assertThat(write(cluster, 1, 1 << 20, 4 * 4096, 2).status()).isEqualTo(IoStatus.OK);
    cluster.disconnect(1, 2);
    cluster.run();
    assertThat(write(cluster, 1, 2 << 20, 4 * 4096, 3).status()).isEqualTo(IoStatus.OK);
    // charlie starts to resync alpha, which stops answering before it asked for anything
    cluster.connect(0, 2);
    assertThat(cluster.runUntil(c -> peer(c, 2, 0).volumes().get(0).replication() == ReplicationState.SyncSource))
        .isTrue();
    cluster.stall(0);
    // meanwhile charlie takes bravo's newer generation: alpha lacks that write too now
    cluster.connect(1, 2);
    cluster.run();
    assertSameData(cluster, 1, 2);
    cluster.resume(0);
    cluster.run();
    assertSameData(cluster, 0, 2);
    cluster.connect(0, 1);
    cluster.run();
    assertSameData(cluster, 0, 1);
  }

  @Test
  void aNodeThatLostThePrimaryWaitsOutItsLeaseBeforeAPromotion() throws Exception {
    CoreCluster cluster = new CoreCluster(3, SIZE, ReplicationProtocol.C, QuorumPolicy.MAJORITY);
    cluster.primaryLeaseNanos = 1_000_000_000L;
    for (int node = 0; node < 3; node++) {
      cluster.restart(node);
    }
    tick(cluster, 0, 1, 2);
    cluster.connectAll();
    cluster.run();
    promote(cluster, 0);
    assertThat(write(cluster, 0, 0, 4096, 1).status()).isEqualTo(IoStatus.OK);
    // alpha's links die silently: bravo and charlie notice, alpha does not yet (it may still serve)
    cluster.stall(0);
    cluster.disconnect(0, 1);
    cluster.disconnect(0, 2);
    cluster.run();
    Effect.RequestCompleted early = cluster.request(1, id -> new Event.RoleRequest(id, Role.Primary));
    assertThat(early.status()).isEqualTo(IoStatus.REFUSED);
    assertThat(early.message()).contains("alpha was Primary when its connection ended");
    // nine more tenths of a second: still too early; then the lease is over
    for (int tenth = 0; tenth < 9; tenth++) {
      tick(cluster, 1, 2);
    }
    assertThat(cluster.request(1, id -> new Event.RoleRequest(id, Role.Primary)).status())
        .isEqualTo(IoStatus.REFUSED);
    tick(cluster, 1, 2);
    promote(cluster, 1);
    assertThat(write(cluster, 1, 4096, 4096, 2).status()).isEqualTo(IoStatus.OK);
  }

  @Test
  void aSplitBrainIsComparedAgainNowAndThenAndMovesNothingWhileItLasts() throws Exception {
    CoreCluster cluster = new CoreCluster(2, SIZE, ReplicationProtocol.C, QuorumPolicy.OFF);
    tick(cluster, 0, 1);
    cluster.connectAll();
    cluster.run();
    cluster.disconnect(0, 1);
    cluster.run();
    // both sides write while apart
    promote(cluster, 0);
    assertThat(write(cluster, 0, 0, 4096, 1).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.request(0, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);
    promote(cluster, 1);
    assertThat(write(cluster, 1, 0, 4096, 2).status()).isEqualTo(IoStatus.OK);
    assertThat(cluster.request(1, id -> new Event.RoleRequest(id, Role.Secondary)).status()).isEqualTo(IoStatus.OK);
    cluster.connect(0, 1);
    cluster.run();
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(cluster.node(0).core.peerProblem(1)).contains("split brain detected");
    long sentBefore = cluster.node(0).sent.stream().filter(m -> m instanceof ReplicaState).count();

    // half a minute later both sides compare again: still a split brain, and still nothing moved
    for (int step = 0; step < 31; step++) {
      cluster.tickNanos += 1_000_000_000L;
      long at = cluster.tickNanos;
      cluster.submit(0, id -> new Event.Tick(at));
      cluster.submit(1, id -> new Event.Tick(at));
      cluster.run();
    }
    assertThat(cluster.node(0).notices).anyMatch(n -> n.contains("comparing again with bravo after a split brain"));
    assertThat(cluster.node(0).sent.stream().filter(m -> m instanceof ReplicaState).count())
        .as("states told on the new connection").isGreaterThan(sentBefore);
    assertThat(peer(cluster, 0, 1).connection()).isEqualTo(ConnectionState.StandAlone);
    assertThat(cluster.node(0).core.peerProblem(1)).contains("split brain detected");
    assertThat(cluster.node(0).readAll(SIZE).slice(0, 4096)).isEqualTo(pattern(4096, 1));
    assertThat(cluster.node(1).readAll(SIZE).slice(0, 4096)).isEqualTo(pattern(4096, 2));
  }

  /** One tick, 100 ms (virtual) after the last, to each of {@code nodes}. */
  private static void tick(CoreCluster cluster, int... nodes) {
    cluster.tickNanos += 100_000_000L;
    long at = cluster.tickNanos;
    for (int node : nodes) {
      cluster.submit(node, id -> new Event.Tick(at));
    }
    cluster.run();
  }
}
