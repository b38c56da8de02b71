/**
 * The threaded edge around one {@link io.tandem.engine.core.ReplicaCore}: it feeds the core one
 * event at a time (under one lock, held only while the core decides), performs the core's I/O
 * effects on a bounded pool of I/O threads through {@link io.tandem.engine.volume.VolumeStorage},
 * hands completed requests back to whoever asked (the NBD server, the admin API), passes the
 * core's peer effects to a {@link io.tandem.engine.runtime.PeerTransport} and feeds what happens
 * on the connections back in, and reports state changes to watchers
 * ({@link io.tandem.engine.runtime.StateWatch}).
 *
 * <p>The core never blocks and never waits; every wait in the engine is here, bounded. Peer
 * effects are handed over under the lock, so they keep the core's order; the transport only
 * queues them, so the lock is never held across a socket write.
 */
package io.tandem.engine.runtime;
