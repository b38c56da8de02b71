package io.tandem.engine.runtime;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.QuorumVerdict;
import io.tandem.engine.core.ReplicationState;
import io.tandem.engine.core.Role;

/**
 * One change of what an operator watches on a node (see {@link ReplicaRuntime#watch}): its role,
 * quorum, a volume's disk state, a peer's connection, the replication of a volume towards a peer,
 * or a resync's progress in whole percent.
 */
public sealed interface StateChange {

  /** The node's role changed. */
  record RoleChange(Role role) implements StateChange {}

  /** Quorum, or the reason given for it ("2 of 3 nodes visible, need 2"), changed. */
  record QuorumChange(QuorumVerdict quorum) implements StateChange {}

  /** A local volume's disk state changed. */
  record DiskChange(int volume, DiskState diskState) implements StateChange {}

  /** The connection to a peer changed. */
  record ConnectionChange(String peer, int nodeId, ConnectionState connection) implements StateChange {}

  /** The replication state of a volume towards a peer changed. */
  record ReplicationChange(String peer, int volume, ReplicationState replication) implements StateChange {}

  /**
   * A resync's progress changed by at least a whole percent.
   *
   * @param donePercent rounded to whole percent; null once no resync runs
   */
  record ResyncChange(String peer, int volume, Integer donePercent) implements StateChange {}
}
