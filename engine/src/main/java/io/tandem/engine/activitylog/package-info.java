/**
 * The activity log's writer policy (REPLICATION.md "On disk", DRBD-REFERENCE.md §3): which 4 MiB
 * extents are hot, which transaction to write next, and which extents to evict for room. Pure:
 * the core turns a {@link io.tandem.engine.activitylog.ActivityLogPlan} into metadata I/O and
 * reports back when it is durable.
 *
 * <p>Invariants (checked by {@link io.tandem.engine.activitylog.ActivityLog#checkInvariants()}):
 * <ul>
 *   <li>A write may touch only extents that are hot, i.e. named by a durable transaction still in
 *       the ring's window of the newest {@code ringBlocks − 1} transactions — so replay after a
 *       crash finds every extent a write may have been in flight in.</li>
 *   <li>No more than the capacity of extents are hot; a pinned extent (a write in flight) is never
 *       evicted.</li>
 *   <li>A hot extent is named again ("carried forward") by the transaction that would push the
 *       last transaction naming it out of the window. Eviction simply stops carrying it; until the
 *       window moves past it, replay still finds it (a harmless superset).</li>
 * </ul>
 * The caller must write the bitmap pages of evicted extents, and sync the data they cover, before
 * the transaction of the plan that evicts them.
 */
package io.tandem.engine.activitylog;
