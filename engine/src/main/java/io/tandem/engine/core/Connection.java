package io.tandem.engine.core;

import io.tandem.engine.wire.ReplicaState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link ReplicaCore}'s view of one peer: the connection (DRBD's "connection" object), what the
 * peer told about itself, the writes and barriers in flight to it, and per volume the replication
 * state towards it ({@link PeerVolume}, DRBD's "peer device").
 */
final class Connection {

  /** A FLUSH of a Primary waiting for the local sync and each replicating peer's barrier ack. */
  static final class FlushWaiter {
    final long requestId;
    boolean localDone;
    final Set<Integer> awaiting = new LinkedHashSet<>();
    String failure;

    FlushWaiter(long requestId) {
      this.requestId = requestId;
    }
  }

  /** A barrier received from the peer: answered after the writes received before it, then a sync. */
  static final class IncomingBarrier {
    final long sequence;
    final Set<VolumeCore.PendingWrite> waitingFor;
    int syncsLeft = -1;
    boolean failed;

    IncomingBarrier(long sequence, Set<VolumeCore.PendingWrite> waitingFor) {
      this.sequence = sequence;
      this.waitingFor = waitingFor;
    }
  }

  final Peer peer;
  /** The live connection's id; 0 when not connected. */
  long id;
  /** Operator's disconnect, or a split brain: no connection until released. */
  boolean held;
  /**
   * Held for a split brain since this tick of the edge's clock (Long.MIN_VALUE: before the first
   * tick); -1 when not held for one. Such a hold is lifted now and then to compare again.
   */
  long splitBrainHeldAtNanos = -1;
  /** Why the peer is StandAlone or its replication stopped, for {@code /status}. */
  String problem;
  /** The connection was up before since the core started: a reconnect (DRBD-REFERENCE.md §4.2 rule 3). */
  boolean everConnected;
  /** The peer's state as last told on this connection; null until its first ReplicaState. */
  ReplicaState peerState;
  /** The peer's first state on this connection: the connect decision's input. */
  ReplicaState peerInitialState;
  /** The peer's last state on any connection; unlike {@link #peerState} kept when the connection ends. */
  ReplicaState lastPeerState;
  Role peerRole = Role.Secondary;
  /** Both roles as told at connect: the connect decision uses these on both sides. */
  Role reportedRole = Role.Secondary;
  Role peerReportedRole = Role.Secondary;
  /** The Primary this node took writes from when it sent its first state (-1: none). */
  int reportedPrimaryPeer = -1;
  long nextSequence = 1;
  /** Client writes of this Primary sent to the peer and not yet acknowledged as written, by sequence. */
  final Map<Long, VolumeCore.PendingWrite> unacked = new HashMap<>();
  long inFlightBytes;
  final Map<Long, FlushWaiter> barriers = new HashMap<>();
  /** A write received from this (Primary) peer, kept until its PEER_ACK says who else wrote it. */
  /** A write received from the peer as Primary; {@code generation} is the peer's when it sent it. */
  record ReceivedWrite(int volume, long offset, long length, int replicatedTo, long generation) {}

  /** Writes received from the peer whose PEER_ACK has not come yet, by the peer's sequence. */
  final java.util.TreeMap<Long, ReceivedWrite> awaitingPeerAck = new java.util.TreeMap<>();
  /** Writes received from the peer, not yet written here. */
  final Set<VolumeCore.PendingWrite> incomingWrites = new LinkedHashSet<>();
  final List<IncomingBarrier> incomingBarriers = new ArrayList<>();
  final Map<Integer, PeerVolume> volumes = new TreeMap<>();
  /** The promotion of the peer this node agreed to (two-phase commit), 0 if none. */
  long grantedTransaction;
  /** The peer's write sequence when this connection started (writes on it carry higher ones). */
  long writesBefore;
  /** The highest write sequence received from the peer on this connection. */
  long lastWriteReceived;
  /** Resync reads of other peers fenced on a write of this peer not received yet. */
  final List<FencedRead> fencedReads = new ArrayList<>();
  /** Connected while a local disk was still attaching: the state goes out (and the decision is made) after. */
  boolean stateDeferred;
  /** A source refused this node's resync request: wait for news from it before asking again. */
  boolean resyncRefused;
  /**
   * Both sides were Primary when they connected: the connection stays up but unused (no quorum
   * vote, no replication) until one demotes, then both sides connect afresh.
   */
  boolean roleConflict;

  /** A resync request that waits for this (Primary) peer's write {@code request.fenceSequence()}. */
  record FencedRead(Connection requester, long requesterConnectionId,
      io.tandem.engine.wire.ResyncRequest request) {}

  Connection(Peer peer) {
    this.peer = peer;
  }

  boolean connected() {
    return id != 0;
  }

  /** Connected and its state known: replication may run. */
  boolean ready() {
    return id != 0 && peerState != null && !stateDeferred && !roleConflict;
  }

  ConnectionState state() {
    if (id != 0 && !roleConflict) {
      return ConnectionState.Connected;
    }
    return held ? ConnectionState.StandAlone : ConnectionState.Connecting;
  }

  PeerVolume volume(int number) {
    return volumes.computeIfAbsent(number, n -> new PeerVolume());
  }

  /** The peer's volume as it told at connect. */
  ReplicaState.VolumeState peerVolumeState(int number) {
    if (peerInitialState == null) {
      return null;
    }
    for (ReplicaState.VolumeState state : peerInitialState.volumes()) {
      if (state.number() == number) {
        return state;
      }
    }
    return null;
  }
}
