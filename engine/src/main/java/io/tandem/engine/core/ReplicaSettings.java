package io.tandem.engine.core;

import java.util.List;

/**
 * What the core of one node's side of a resource is configured with.
 *
 * @param activityLogCapacity hot extents per volume (DRBD's {@code al-extents})
 * @param protocol when a replicated write completes
 * @param splitBrain what a split brain detected at connect does
 * @param resyncRate how fast this node pulls resync data as a SyncTarget
 * @param checksumResync whether a SyncTarget compares digests first and fetches only blocks that
 *     differ (DRBD's {@code csums-alg}): less traffic, more reading
 * @param primaryLeaseNanos how long after losing its connection to a Primary this node neither
 *     promotes nor agrees to another node's promotion: the longest a link can be dead before its
 *     other end notices (the links' silence limit), so the lost Primary has given up its quorum
 *     first, also when the link died silently. 0: no wait; it needs the edge's {@link Event.Tick}s
 */
public record ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers,
    int activityLogCapacity, QuorumPolicy quorum, ReplicationProtocol protocol, SplitBrainPolicy splitBrain,
    ResyncRate resyncRate, boolean checksumResync, long primaryLeaseNanos) {
  public ReplicaSettings {
    peers = List.copyOf(peers);
    if (primaryLeaseNanos < 0) {
      throw new IllegalArgumentException("the primary lease " + primaryLeaseNanos + " ns is negative");
    }
  }

  /** Settings without a wait after a lost Primary. */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity,
      QuorumPolicy quorum, ReplicationProtocol protocol, SplitBrainPolicy splitBrain, ResyncRate resyncRate,
      boolean checksumResync) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, quorum, protocol, splitBrain, resyncRate,
        checksumResync, 0);
  }

  /** The same settings with another {@link #primaryLeaseNanos}. */
  public ReplicaSettings withPrimaryLeaseNanos(long nanos) {
    return new ReplicaSettings(resource, nodeName, nodeId, peers, activityLogCapacity, quorum, protocol, splitBrain,
        resyncRate, checksumResync, nanos);
  }

  /** Settings without checksum-based resync. */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity,
      QuorumPolicy quorum, ReplicationProtocol protocol, SplitBrainPolicy splitBrain, ResyncRate resyncRate) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, quorum, protocol, splitBrain, resyncRate, false);
  }

  /** Settings with an unlimited resync rate. */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity,
      QuorumPolicy quorum, ReplicationProtocol protocol, SplitBrainPolicy splitBrain) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, quorum, protocol, splitBrain, ResyncRate.UNLIMITED);
  }

  /** Settings with the split-brain policy {@link SplitBrainPolicy#DISCONNECT}. */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity,
      QuorumPolicy quorum, ReplicationProtocol protocol) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, quorum, protocol, SplitBrainPolicy.DISCONNECT);
  }

  /** Settings with protocol C. */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity,
      QuorumPolicy quorum) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, quorum, ReplicationProtocol.C);
  }

  /** Settings with quorum off (a single node, tests). */
  public ReplicaSettings(String resource, String nodeName, int nodeId, List<Peer> peers, int activityLogCapacity) {
    this(resource, nodeName, nodeId, peers, activityLogCapacity, QuorumPolicy.OFF, ReplicationProtocol.C);
  }
}
