/**
 * The seeded simulation of the engine (REPLICATION.md "How it is tested" point 2; STYLE.md "engine
 * testing"), a test source set of its own ({@code engine/src/simulation/java}). One thread, one
 * seed: a virtual clock, a disk with latency, injected I/O errors and crashes over the crashable
 * in-memory file system, and a random workload — so any failure replays exactly with
 * {@code -Dseed=N}. Invariants are checked after every event and after every crash.
 *
 * <p>{@link io.tandem.engine.simulation.SingleNodeSimulation} runs one node;
 * {@link io.tandem.engine.simulation.MultiNodeSimulation} a cluster of two to four, each node a
 * {@link io.tandem.engine.simulation.SimulatedNode} (its own file system, storage and core). They
 * share the clock ({@link io.tandem.engine.simulation.SimulationClock}), the seed runner
 * ({@link io.tandem.engine.simulation.SimulationSeeds}: {@code -Dseed}, {@code simulation.seeds},
 * {@code simulation.base}, {@code simulation.threads}, {@code simulation.budgetSeconds}) and the
 * self-describing sector content ({@link io.tandem.engine.simulation.SectorModel}); a failure of
 * the cluster ends with the last entries of its trace
 * ({@link io.tandem.engine.simulation.SimulationTrace}, all of it with
 * {@code -Dsimulation.trace=true}).
 *
 * <p>The network ({@link io.tandem.engine.simulation.SimulatedNetwork}) keeps at most one
 * connection per pair of nodes, as the peer links do. A pair connects when both nodes are up, no
 * partition separates them and neither holds the other ({@code HoldPeer}), after a backoff since
 * its last connection ended and a handshake of random length; each side gets its
 * {@code PeerConnected} after its own delay, under an id of its own that is never reused.
 * {@code SendToPeer} goes through the wire codec and arrives as {@code PeerReceived} after a random
 * delay, in order per direction, only while the connection lives; each side learns of its end by
 * {@code PeerDisconnected} after its own detection delay (up to a second), before the pair's next
 * {@code PeerConnected}.
 *
 * <p>The faults of the cluster, each drawn from the seed: partitions of any shape (two or three
 * groups, one node isolated, any set of links — not necessarily transitive) that heal after a
 * while; cuts of single links; delay spikes on one link; operator disconnects
 * ({@code PeerCommand}) released later; power losses (the node's file system keeps, drops or tears
 * each unsynced write) and killed processes, each node restarting after a downtime with a new core
 * over its reopened files; nodes with a failed disk restarted; I/O errors in a small share of the
 * file operations. Then the heal phase stops every fault and waits, in bounded virtual time, for
 * every node to be connected, in sync and idle, before comparing the replicas with each other and
 * with what the clients were told ({@link io.tandem.engine.simulation.ReplicatedSectorModel}).
 */
package io.tandem.engine.simulation;
