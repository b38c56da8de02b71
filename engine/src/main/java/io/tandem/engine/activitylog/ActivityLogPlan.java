package io.tandem.engine.activitylog;

import io.tandem.engine.metadata.ActivityLogTransaction;
import java.util.List;

/**
 * The next activity-log transaction and what it changes.
 *
 * @param transaction the UPDATE to write: {@code added} plus {@code carried}
 * @param added extents that become hot once the transaction is durable
 * @param carried hot extents named again so they stay in the ring's window
 * @param evicted extents no longer hot as of this plan: their bitmap pages, and the data they
 *     cover, must be durable before the transaction is written
 */
public record ActivityLogPlan(ActivityLogTransaction transaction, List<Long> added, List<Long> carried,
    List<Long> evicted) {

  public ActivityLogPlan {
    added = List.copyOf(added);
    carried = List.copyOf(carried);
    evicted = List.copyOf(evicted);
  }
}
