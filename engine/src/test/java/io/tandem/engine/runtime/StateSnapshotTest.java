package io.tandem.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.QuorumVerdict;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.ReplicationState;
import io.tandem.engine.core.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as a change: role, quorum, disks, connections, replication, resync progress in whole percent. */
class StateSnapshotTest {

  private static ReplicaStatus status(Role role, boolean quorum, DiskState disk, ConnectionState connection,
      ReplicationState replication, Double done, long outOfSyncKib, int hotExtents) {
    return new ReplicaStatus("r0", "alpha", 0, role, new QuorumVerdict(quorum, quorum ? "2 of 3" : "1 of 3"),
        List.of(new ReplicaStatus.Volume(0, disk, 1024, hotExtents, 0x100)),
        List.of(new ReplicaStatus.PeerStatus("bravo", 1, connection,
            List.of(new ReplicaStatus.PeerVolume(0, replication, outOfSyncKib, done)))));
  }

  @Test
  void counterAndActivityLogChangesAreNoStateChanges() {
    StateSnapshot before = StateSnapshot.of(status(Role.Secondary, false, DiskState.UpToDate,
        ConnectionState.Connecting, ReplicationState.Off, null, 0, 0));
    StateSnapshot after = StateSnapshot.of(status(Role.Secondary, false, DiskState.UpToDate,
        ConnectionState.Connecting, ReplicationState.Off, null, 4096, 12));

    assertThat(after.changesSince(before)).isEmpty();
  }

  @Test
  void everyWatchedFieldIsReportedInOrder() {
    StateSnapshot before = StateSnapshot.of(status(Role.Secondary, false, DiskState.Attaching,
        ConnectionState.Connecting, ReplicationState.Off, null, 0, 0));
    StateSnapshot after = StateSnapshot.of(status(Role.Primary, true, DiskState.UpToDate,
        ConnectionState.Connected, ReplicationState.SyncSource, 0.2, 0, 0));

    assertThat(after.changesSince(before)).containsExactly(
        new StateChange.RoleChange(Role.Primary),
        new StateChange.QuorumChange(new QuorumVerdict(true, "2 of 3")),
        new StateChange.DiskChange(0, DiskState.UpToDate),
        new StateChange.ConnectionChange("bravo", 1, ConnectionState.Connected),
        new StateChange.ReplicationChange("bravo", 0, ReplicationState.SyncSource),
        new StateChange.ResyncChange("bravo", 0, 0));
  }

  @Test
  void resyncProgressCountsInWholePercent() {
    StateSnapshot at41 = StateSnapshot.of(status(Role.Primary, true, DiskState.UpToDate, ConnectionState.Connected,
        ReplicationState.SyncSource, 41.2, 0, 0));
    StateSnapshot still41 = StateSnapshot.of(status(Role.Primary, true, DiskState.UpToDate,
        ConnectionState.Connected, ReplicationState.SyncSource, 41.4, 0, 0));
    StateSnapshot at42 = StateSnapshot.of(status(Role.Primary, true, DiskState.UpToDate, ConnectionState.Connected,
        ReplicationState.SyncSource, 41.6, 0, 0));
    StateSnapshot done = StateSnapshot.of(status(Role.Primary, true, DiskState.UpToDate, ConnectionState.Connected,
        ReplicationState.Established, null, 0, 0));

    assertThat(still41.changesSince(at41)).isEmpty();
    assertThat(at42.changesSince(still41)).containsExactly(new StateChange.ResyncChange("bravo", 0, 42));
    assertThat(done.changesSince(at42)).containsExactly(
        new StateChange.ReplicationChange("bravo", 0, ReplicationState.Established),
        new StateChange.ResyncChange("bravo", 0, null));
  }
}
