/**
 * Storage pool definitions and storage pools: where on each node volumes are carved from.
 *
 * <p>Invariants: a pool belongs to exactly one node and one definition; every node that runs a
 * satellite has the built-in {@value io.tandem.controller.pool.StoragePoolService#DISKLESS_POOL}
 * pool; the backing object of a pool (its directory, volume group or zpool) never changes after
 * creation; a pool that still holds volumes cannot be deleted. Capacity is observed state reported
 * by the node's satellite and is never stored.
 */
package io.tandem.controller.pool;
