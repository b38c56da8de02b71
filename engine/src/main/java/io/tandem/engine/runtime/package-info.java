/**
 * The threaded edge around one {@link io.tandem.engine.core.ReplicaCore}: it feeds the core one
 * event at a time (under one lock, held only while the core decides), performs the core's I/O
 * effects on a bounded pool of I/O threads through {@link io.tandem.engine.volume.VolumeStorage},
 * and hands completed requests back to whoever asked (the NBD server, the admin API).
 *
 * <p>The core never blocks and never waits; every wait in the engine is here, bounded.
 */
package io.tandem.engine.runtime;
