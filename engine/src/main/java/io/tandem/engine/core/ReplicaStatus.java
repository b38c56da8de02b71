package io.tandem.engine.core;

import java.util.List;

/** A snapshot of one node's side of a resource, in DRBD's words (served by the admin API). */
public record ReplicaStatus(String resource, String node, int nodeId, Role role, QuorumVerdict quorum,
    List<Volume> volumes, List<PeerStatus> peers) {

  public ReplicaStatus {
    volumes = List.copyOf(volumes);
    peers = List.copyOf(peers);
  }

  /**
   * One local volume.
   *
   * @param currentUuid the data generation (0 for a diskless volume)
   */
  public record Volume(int number, DiskState diskState, long sizeKib, int activityLogHotExtents, long currentUuid) {}

  /**
   * One peer and our volumes as seen towards it.
   *
   * @param problem why it is StandAlone (a split brain, an operator's disconnect) or why its
   *     replication stopped; null when all is well
   */
  public record PeerStatus(String name, int nodeId, ConnectionState connection, List<PeerVolume> volumes,
      String problem) {
    public PeerStatus {
      volumes = List.copyOf(volumes);
    }

    /** A peer with nothing wrong to report. */
    public PeerStatus(String name, int nodeId, ConnectionState connection, List<PeerVolume> volumes) {
      this(name, nodeId, connection, volumes, null);
    }
  }

  /**
   * @param donePercentage resync progress, null when no resync runs
   * @param resyncKibPerSecond the resync rate measured over the last ticks, null when no resync runs
   *     or no clock reaches the core
   * @param resyncReceivedBytes resync data received from the peer since the engine started (holes
   *     count with their length)
   * @param resyncSentBytes resync data sent to the peer since the engine started
   */
  public record PeerVolume(int number, ReplicationState replication, long outOfSyncKib, Double donePercentage,
      Long resyncKibPerSecond, Verify verify, long resyncReceivedBytes, long resyncSentBytes) {

    public PeerVolume(int number, ReplicationState replication, long outOfSyncKib, Double donePercentage) {
      this(number, replication, outOfSyncKib, donePercentage, null, null, 0, 0);
    }
  }

  /**
   * The last online verify of a volume against a peer.
   *
   * @param running whether it is still under way
   * @param donePercentage how much of the volume was compared
   * @param mismatchKib what was found different (marked out of sync, not repaired)
   */
  public record Verify(boolean running, double donePercentage, long mismatchKib) {}
}
