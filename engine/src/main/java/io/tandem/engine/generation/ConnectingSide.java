package io.tandem.engine.generation;

import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Role;
import java.util.Set;

/**
 * What one side brings to the connect decision.
 *
 * @param flags what happened to this side since the two were last connected
 */
public record ConnectingSide(int nodeId, Generations generations, Set<Flag> flags, Role role, DiskState disk) {

  public ConnectingSide {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
  }

  /** Events that break ties when the current UUIDs are equal (DRBD-REFERENCE.md §4.2 rule 3). */
  public enum Flag {
    /** This side was Primary and crashed (it did not stop gracefully). */
    CRASHED_PRIMARY,
    /** This side was Primary when it lost quorum. */
    LOST_QUORUM_AS_PRIMARY,
    /** This side saw this very connection drop while it kept running. */
    RECONNECT
  }

  boolean has(Flag flag) {
    return flags.contains(flag);
  }
}
