package io.tandem.engine.runtime;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.QuorumVerdict;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.ReplicationState;
import io.tandem.engine.core.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The part of a {@link ReplicaStatus} that {@link StateChange}s report, compared field by field. */
record StateSnapshot(Role role, QuorumVerdict quorum, Map<Integer, DiskState> disks, List<PeerSnapshot> peers) {

  /** One peer: its connection, and per volume the replication state and resync progress. */
  record PeerSnapshot(String name, int nodeId, ConnectionState connection, Map<Integer, ReplicationState> replication,
      Map<Integer, Integer> donePercent) {}

  static StateSnapshot of(ReplicaStatus status) {
    Map<Integer, DiskState> disks = new LinkedHashMap<>();
    for (ReplicaStatus.Volume volume : status.volumes()) {
      disks.put(volume.number(), volume.diskState());
    }
    List<PeerSnapshot> peers = new ArrayList<>();
    for (ReplicaStatus.PeerStatus peer : status.peers()) {
      Map<Integer, ReplicationState> replication = new LinkedHashMap<>();
      Map<Integer, Integer> done = new LinkedHashMap<>();
      for (ReplicaStatus.PeerVolume volume : peer.volumes()) {
        replication.put(volume.number(), volume.replication());
        done.put(volume.number(), volume.donePercentage() == null ? null
            : (int) Math.round(volume.donePercentage()));
      }
      peers.add(new PeerSnapshot(peer.name(), peer.nodeId(), peer.connection(), replication, done));
    }
    return new StateSnapshot(status.role(), status.quorum(), disks, peers);
  }

  /** What changed from {@code before} to this: role, quorum, disks, then peer by peer. */
  List<StateChange> changesSince(StateSnapshot before) {
    List<StateChange> changes = new ArrayList<>();
    if (role != before.role) {
      changes.add(new StateChange.RoleChange(role));
    }
    if (!quorum.equals(before.quorum)) {
      changes.add(new StateChange.QuorumChange(quorum));
    }
    for (Map.Entry<Integer, DiskState> disk : disks.entrySet()) {
      if (disk.getValue() != before.disks.get(disk.getKey())) {
        changes.add(new StateChange.DiskChange(disk.getKey(), disk.getValue()));
      }
    }
    for (PeerSnapshot peer : peers) {
      PeerSnapshot old = before.peer(peer.name());
      if (old == null || peer.connection() != old.connection()) {
        changes.add(new StateChange.ConnectionChange(peer.name(), peer.nodeId(), peer.connection()));
      }
      for (Map.Entry<Integer, ReplicationState> volume : peer.replication().entrySet()) {
        if (old == null || volume.getValue() != old.replication().get(volume.getKey())) {
          changes.add(new StateChange.ReplicationChange(peer.name(), volume.getKey(), volume.getValue()));
        }
      }
      for (Map.Entry<Integer, Integer> volume : peer.donePercent().entrySet()) {
        if (old == null || !Objects.equals(volume.getValue(), old.donePercent().get(volume.getKey()))) {
          changes.add(new StateChange.ResyncChange(peer.name(), volume.getKey(), volume.getValue()));
        }
      }
    }
    return changes;
  }

  private PeerSnapshot peer(String name) {
    for (PeerSnapshot peer : peers) {
      if (peer.name().equals(name)) {
        return peer;
      }
    }
    return null;
  }
}
